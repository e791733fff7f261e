-- audit_digest: what the interval audit reads of observations (each
-- row's rowid, key, status and figures, the columns audit_members.sql
-- reads), summed up by council, service and metric. n_rows counts the
-- rows; h1 and h2 add up two 64-bit hashes of each row, of its columns in
-- one order and in the reverse. Two digests of a council, service and
-- metric agree when its rows are the same, and when they are not only if
-- both sums collide. disclosure_audit_seen.sql keeps the digest the audit
-- read and disclosure_audit_changed.sql compares it with the digest now:
-- a digest rather than a copy of every row, since at 20M rows the copy
-- and its comparison (a full join of the rows by rowid, most of it on one
-- core) took 40 s, and the copy was held through the rest of the build.
-- A view, since a macro would be bound before observations is made, and
-- temporary, as the tables of the audit are.
CREATE OR REPLACE TEMP VIEW audit_digest AS
SELECT council_code, service, metric, count(*) AS n_rows,
       sum(hash(rowid, provider_id, period, status, numerator, denominator, value)) AS h1,
       sum(hash(value, denominator, numerator, status, period, provider_id, rowid)) AS h2
FROM observations
GROUP BY ALL
