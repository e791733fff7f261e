-- audit_record_digest: what the interval audit reads of each council,
-- service and metric, as a digest that outlives the build, so that the
-- next publish can tell which units changed since this one
-- (audit_record.sql, audit_record_changed.sql). Unlike audit_digest.sql,
-- which compares the observations with themselves within one build and
-- holds each row's rowid, it holds no rowid, which the next build gives
-- other rows, and it holds the councils' own figures (disclosure_truth:
-- status, figures and whether the rules hide the cell for itself) beside
-- those published now, since the audit reads both. Of a published status
-- it holds only whether it is [c], as the audit reads it, so that a cell
-- marked revised ([r]) in one release and not in the next is no change.
-- n_rows counts the rows; truth_h1 and truth_h2 add up two 64-bit hashes
-- of each row of disclosure_truth, of its columns in one order and in
-- the reverse, and shown_h1 and shown_h2 the same of observations,
-- exactly (HUGEINT), as text, which Parquet keeps as it is. Each row's
-- hash holds its key, which is one cell's in both tables, so the two sums
-- tell which figures each cell has without joining the two tables row by
-- row, which cost more than the sums. A view over two tables of the
-- build; dropped with them (history_drop.sql).
CREATE OR REPLACE TEMP VIEW audit_record_digest AS
WITH truth AS (
    SELECT council_code, service, metric, count(*) AS n_rows,
           sum(hash(provider_id, period, status, numerator, denominator, value, is_primary)::HUGEINT) AS h1,
           sum(hash(is_primary, value, denominator, numerator, status, period, provider_id)::HUGEINT) AS h2
    FROM disclosure_truth
    GROUP BY ALL
),
shown AS (
    SELECT council_code, service, metric, count(*) AS n_rows,
           sum(hash(provider_id, period, status = 'c', numerator, denominator, value)::HUGEINT) AS h1,
           sum(hash(value, denominator, numerator, status = 'c', period, provider_id)::HUGEINT) AS h2
    FROM observations
    GROUP BY ALL
)
SELECT coalesce(t.council_code, s.council_code) AS council_code, coalesce(t.service, s.service) AS service,
       coalesce(t.metric, s.metric) AS metric, t.n_rows, t.h1::VARCHAR AS truth_h1, t.h2::VARCHAR AS truth_h2,
       s.n_rows AS shown_rows, s.h1::VARCHAR AS shown_h1, s.h2::VARCHAR AS shown_h2
FROM truth t
FULL JOIN shown s ON s.council_code = t.council_code AND s.service = t.service AND s.metric = t.metric
