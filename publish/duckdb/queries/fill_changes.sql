-- Compares the observations, after disclosure control, with the previous
-- release's data/observations.parquet ($previous), and records every
-- difference. This is the one revision rule: mark_revised_observations
-- marks r the rows it calls revised, and release.json lists them.
--
--   revised    published in both (neither c, x nor z) and the value,
--              numerator or denominator changed; a marker that changes
--              alone (p becoming final) is not a revision
--   withheld   published then, c, x or z now
--   shown      c, x or z then, published now
--   added      not in the previous release
--   withdrawn  in the previous release only
--
-- An r marks a revision in the release that has it, not a property of the
-- figure: the previous release's is read as no marker, and new_status is
-- the status before this release marks its revisions.
--
-- It compares the metrics $first to $last (in text order), a batch at a
-- time (joinBatches), in metric order; DuckDB keeps the order of an
-- INSERT's ORDER BY (load_observations.sql), so the table is in key order,
-- though its readers sort it. Both sides are stored sorted by metric, so
-- each reads only its batch's row groups (a previous release written
-- before the observations were stored in key order is read whole by each
-- batch, once). The whole table in one join spilled under a memory
-- limit: at 20 million rows under 3GB it took 30.4 s alone and 36.4 s in
-- a publish, where the metrics up to hc- (4.1 million rows a side) took
-- 4.2 s alone (BENCHMARKS.md, "Withheld cells updated by rowid, linked
-- groups added by signature").
INSERT INTO changes
WITH prev AS (
    SELECT metric, period, council_code, coalesce(provider_id, '') AS provider_id, service,
           value, numerator, denominator,
           CASE WHEN status = 'r' THEN '' ELSE coalesce(status, '') END AS status
    FROM read_parquet($previous)
    WHERE metric BETWEEN $first AND $last
),
joined AS (
    SELECT coalesce(o.metric, p.metric) AS metric,
           coalesce(o.period, p.period) AS period,
           coalesce(o.council_code, p.council_code) AS council_code,
           coalesce(o.provider_id, p.provider_id) AS provider_id,
           coalesce(o.service, p.service) AS service,
           p.metric IS NULL AS is_new,
           o.metric IS NULL AS is_gone,
           p.status IN ('c', 'x', 'z') AS old_hidden,
           o.status IN ('c', 'x', 'z') AS new_hidden,
           p.value AS old_value, p.numerator AS old_numerator, p.denominator AS old_denominator, p.status AS old_status,
           o.value AS new_value, o.numerator AS new_numerator, o.denominator AS new_denominator, o.status AS new_status
    FROM (FROM observations WHERE metric BETWEEN $first AND $last) o
    FULL OUTER JOIN prev p
        ON o.metric = p.metric AND o.period = p.period AND o.council_code = p.council_code
       AND o.provider_id = p.provider_id AND o.service = p.service
),
classified AS (
    SELECT *,
           CASE WHEN is_new THEN 'added'
                WHEN is_gone THEN 'withdrawn'
                WHEN NOT old_hidden AND new_hidden THEN 'withheld'
                WHEN old_hidden AND NOT new_hidden THEN 'shown'
                WHEN NOT old_hidden AND NOT new_hidden
                     AND (old_value IS DISTINCT FROM new_value
                          OR old_numerator IS DISTINCT FROM new_numerator
                          OR old_denominator IS DISTINCT FROM new_denominator) THEN 'revised'
           END AS change
    FROM joined
)
-- A figure withheld now keeps its old figure out of this table: it was
-- published before, but set beside this release's totals it is the
-- complement that would give back the cell it now protects.
SELECT metric, period, council_code, provider_id, service, change,
       CASE WHEN change <> 'withheld' THEN old_value END AS old_value,
       CASE WHEN change <> 'withheld' THEN old_numerator END AS old_numerator,
       CASE WHEN change <> 'withheld' THEN old_denominator END AS old_denominator,
       old_status,
       new_value, new_numerator, new_denominator, new_status
FROM classified
WHERE change IS NOT NULL
ORDER BY metric, period, council_code, provider_id, service
