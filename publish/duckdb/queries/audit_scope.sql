-- The units the interval audit reads (audit_members.sql), stored before
-- it runs: a later round of suppression reads a few units again, and
-- DuckDB, which could not count the units the query itself chose, took
-- them for all and hashed every row of observations to join a few
-- hundred links to theirs, most of such a round's time at 5M
-- (BENCHMARKS.md, "The interval audit's reading").
CREATE OR REPLACE TEMP TABLE audit_scope AS
WITH primaries AS (
    SELECT DISTINCT council_code, service, metric FROM disclosure_truth WHERE is_primary
),
linked_scope AS (
    -- Links never cross a council, service and metric, so equations
    -- elsewhere cannot bound a cell hidden for itself; but a metric that
    -- shares a count with the cell's (numerator_count,
    -- denominator_count) shares that unknown, and its groups bound it too.
    SELECT council_code, service, metric FROM primaries
    UNION
    SELECT p.council_code, p.service, s.sister
    FROM primaries p
    JOIN metric_sisters s ON s.metric = p.metric
)
-- $units, when not NULL, limits the audit to those councils, services
-- and metrics (each joined by chr(31)): whole families of metrics
-- that share counts, so every group read has all the rows it would
-- have in a full audit. $councils, when not NULL, limits it to those
-- councils, whose groups are whole too: the audit names every council
-- of its batches, so only a test's reading of some councils is
-- narrowed by it.
SELECT * FROM linked_scope
WHERE ($units::VARCHAR[] IS NULL
       OR concat_ws(chr(31), council_code, service, metric) IN (SELECT unnest($units::VARCHAR[])))
  AND ($councils::VARCHAR[] IS NULL OR council_code IN (SELECT unnest($councils::VARCHAR[])))
