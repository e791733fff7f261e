-- audit_digest: what the interval audit reads of observations (each
-- row's rowid, key, whether it is withheld ([c]) and its figures, the
-- columns audit_members.sql reads: it reads a status only as [c] or not,
-- so a cell marked revised ([r], fill_changes.sql, after suppression) is
-- no change), summed up by council, service and metric. n_rows counts the
-- rows; h1 and h2 add up two 64-bit hashes of each row, of its columns in
-- one order and in the reverse. Two digests of a council, service and
-- metric agree when its rows are the same, and when they are not only if
-- both sums collide. disclosure_audit_seen.sql keeps the digest the audit
-- read and disclosure_audit_changed.sql compares it with the digest now:
-- a digest rather than a copy of every row, since at 20M rows the copy
-- took 5.9 s and its comparison (a full join of the rows by rowid, most
-- of it on one core) 34.2 s, and the copy was held through the rest of
-- the build. A view, so that both read one definition, made by
-- takeDigest (disclosure_audit.go) and dropped with the digest
-- (history_drop.sql). The hashes are summed as HUGEINT, exactly: a sum
-- in floating point would round, and differ with the order it added in.
CREATE OR REPLACE TEMP VIEW audit_digest AS
SELECT council_code, service, metric, count(*) AS n_rows,
       sum(hash(rowid, provider_id, period, status = 'c', numerator, denominator, value)::HUGEINT) AS h1,
       sum(hash(value, denominator, numerator, status = 'c', period, provider_id, rowid)::HUGEINT) AS h2
FROM observations
GROUP BY ALL
