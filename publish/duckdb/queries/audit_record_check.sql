-- Whether the record of an earlier build's audit (audit_record_prior.sql)
-- was made for the disclosure history this build reads ($history_sha256)
-- under the same rules ($rules), every row of it: how many rows it has,
-- and how many of them match.
SELECT count(*) AS n_rows,
       count(*) FILTER (WHERE history_sha256 = $history_sha256 AND rules = $rules) AS matching
FROM audit_record_prior
