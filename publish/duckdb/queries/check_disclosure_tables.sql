-- Disclosure check: observations and comparisons publish the same cells
-- with the same status and counts, so what one hides the other hides too
-- (the group and audit checks read observations alone).
--
-- It compares the metrics $first to $last (in text order), a batch at a
-- time (joinBatches), each in the order of ORDER BY ALL, whose first two
-- columns are the same in every row, so the batches, in metric order,
-- report in that order too. Both tables are stored sorted by metric, so
-- each batch reads only its own row groups. The whole tables in one join
-- took 17.3-21.0 s at 20 million rows under 3GB, 9 to 11 times their
-- time at 5 million (BENCHMARKS.md, "Withheld cells updated by rowid,
-- linked groups added by signature").
SELECT 'tables-disagree' AS violation, 'comparisons' AS table_name,
       coalesce(o.metric, c.metric) AS metric, coalesce(o.period, c.period) AS period,
       coalesce(o.council_code, c.council_code) AS council_code,
       coalesce(o.provider_id, c.provider_id) AS provider_id,
       coalesce(o.service, c.service) AS service,
       CASE WHEN o.metric IS NULL THEN 'a row of comparisons that observations does not have'
            WHEN c.metric IS NULL THEN 'a row of observations that comparisons does not have'
            ELSE format('observations has status "{}", numerator {}, denominator {}; comparisons has "{}", {}, {}',
                        o.status, coalesce(o.numerator::VARCHAR, 'blank'), coalesce(o.denominator::VARCHAR, 'blank'),
                        c.status, coalesce(c.numerator::VARCHAR, 'blank'), coalesce(c.denominator::VARCHAR, 'blank'))
       END AS detail
FROM (FROM observations WHERE metric BETWEEN $first AND $last) o
FULL JOIN (FROM comparisons WHERE metric BETWEEN $first AND $last) c
  ON c.council_code = o.council_code AND c.provider_id = o.provider_id AND c.service = o.service
 AND c.metric = o.metric AND c.period = o.period
WHERE o.metric IS NULL OR c.metric IS NULL
   OR o.status IS DISTINCT FROM c.status
   OR o.numerator IS DISTINCT FROM c.numerator
   OR o.denominator IS DISTINCT FROM c.denominator
ORDER BY ALL
