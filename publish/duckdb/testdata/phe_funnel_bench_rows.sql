-- The rows funnel_limits reads, rebuilt from a built release's comparisons
-- (Build drops its scratch comparison_rows): each compared proportion's
-- and rate's denominator in its metric, period, service and level.
CREATE OR REPLACE TEMP TABLE comparison_rows AS
SELECT c.metric, c.period, c.service,
       CASE WHEN c.provider_id = '' THEN 'council' ELSE 'provider' END AS level,
       c.denominator AS n
FROM comparisons c
JOIN benchmarks b ON b.metric = c.metric AND b.period = c.period AND b.service = c.service
 AND b.level = CASE WHEN c.provider_id = '' THEN 'council' ELSE 'provider' END
WHERE b.kind IN ('proportion', 'rate') AND c.value IS NOT NULL AND c.denominator > 0
