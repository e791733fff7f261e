-- audit_record_digest: what the interval audit reads of each council,
-- service and metric, as a digest that outlives the build, so that the
-- next publish can tell which units changed since this one
-- (audit_record.sql, audit_record_changed.sql). Unlike audit_digest.sql,
-- which compares the observations with themselves within one build and
-- holds each row's rowid, it holds no rowid, which the next build gives
-- other rows, and it holds the councils' own figures (disclosure_truth:
-- status, figures and whether the rules hide the cell for itself) beside
-- those published now, since the audit reads both. n_rows counts the
-- rows; h1 and h2 add up two 64-bit hashes of each row, of its columns in
-- one order and in the reverse, exactly (HUGEINT), as text, which Parquet
-- keeps as it is. A view over two temporary tables of the build; dropped
-- with them (history_drop.sql).
CREATE OR REPLACE TEMP VIEW audit_record_digest AS
SELECT t.council_code, t.service, t.metric, count(*) AS n_rows,
       sum(hash(t.provider_id, t.period, t.status, t.numerator, t.denominator, t.value, t.is_primary,
                o.status, o.numerator, o.denominator, o.value)::HUGEINT)::VARCHAR AS h1,
       sum(hash(o.value, o.denominator, o.numerator, o.status, t.is_primary, t.value, t.denominator,
                t.numerator, t.status, t.period, t.provider_id)::HUGEINT)::VARCHAR AS h2
FROM disclosure_truth t
JOIN observations o ON o.rowid = t.rid
GROUP BY ALL
