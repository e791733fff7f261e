-- The catalogue as Build holds it (metrics), every column of every
-- metric, as one MD5: part of the rules an audit's record was made under
-- (audit_record_write.sql), since the audit reads each metric's kind,
-- small count and shared counts.
SELECT md5(coalesce(string_agg(m::VARCHAR, chr(30) ORDER BY m.id), ''))
FROM metrics m
