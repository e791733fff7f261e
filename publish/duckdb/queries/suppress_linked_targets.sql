-- The keys of the sister figures (suppress_linked.sql) of the figures
-- hidden since the last round of suppress_linked (a step at or after
-- $since), or of every hidden figure when $every: a figure hidden before
-- the last run had its sisters hidden by it, and a sister once hidden
-- never shows anything again.
--
-- A table of its own, made afresh before each run of suppress_linked.sql,
-- so that DuckDB knows how few rows it holds in the later rounds (674 at 5
-- million observations, for a round's 814 hidden cells) and builds its
-- join's hash table on them. In one statement the estimates had it built
-- on the other side, every shown figure of a metric that shares a count
-- (978,134 rows at 5 million), and at 20 million the process grew by
-- about 0.8 GB while it ran, in each later round (BENCHMARKS.md, session
-- 28).
CREATE OR REPLACE TEMP TABLE suppress_linked_targets AS
WITH overlapping AS (
    -- Each observed period with every observed period that overlaps it
    -- (itself included): a few hundred pairs, so the figures join on equal
    -- keys alone rather than comparing the dates of every period of a
    -- cell's council, provider, service and sister metric.
    SELECT a.period, b.period AS other
    FROM period_links a
    JOIN period_links b ON b.period_start <= a.period_end AND b.period_end >= a.period_start
)
SELECT DISTINCT h.council_code, h.provider_id, h.service, s.sister AS metric, ov.other AS period
FROM observations h
JOIN metric_sisters s ON s.metric = h.metric
JOIN overlapping ov ON ov.period = h.period
WHERE h.status = 'c'
  AND ($every OR h.rowid IN (SELECT rid FROM suppress_steps WHERE step >= $since))
