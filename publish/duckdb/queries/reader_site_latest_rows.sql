-- The comparison rows of each provider's page ($by = 'provider') or each
-- council's ($by = 'council'), with what a page shows beside them (as
-- reader_site_comparisons.sql): each metric and service of the provider
-- or council in its latest period only, latest as the release orders its
-- periods (reader_periods.sql: by start, the longer first, then by name),
-- which is the website's order too. A provider's rows come by metric,
-- service and council; a council's by service, metric and provider, its
-- council-wide rows first. reader_site.go checks $by.
--
-- The latest periods are found first, by an aggregate of a few columns,
-- and only their rows are joined to the councils, providers and
-- observations: a window over every comparison row with its joined
-- columns took 80 s for the provider pages at 20 million rows, this
-- query's first form (the latest by start alone) 18 s (BENCHMARKS.md,
-- "The provider pages a batch of providers at a time"),
-- and the council pages held every council's latest rows in Go through
-- the metric pages' scan.
WITH periods AS (
    SELECT period, row_number() OVER (ORDER BY period_start, period_end DESC, period) AS rank
    FROM period_links
),
latest AS (
    SELECT CASE WHEN $by = 'provider' THEN c.provider_id ELSE c.council_code END AS unit,
           c.metric, c.service, max(p.rank) AS rank
    FROM comparisons c
    JOIN periods p ON p.period = c.period
    WHERE $by = 'council' OR ($by = 'provider' AND c.provider_id <> '')
    GROUP BY ALL
),
rows AS (
    SELECT c.*, t.unit
    FROM comparisons c
    JOIN periods p ON p.period = c.period
    JOIN latest t ON t.unit = CASE WHEN $by = 'provider' THEN c.provider_id ELSE c.council_code END
         AND t.metric = c.metric AND t.service = c.service AND t.rank = p.rank
)
SELECT c.* EXCLUDE (unit),
       k.name, k.region, k.type_name, s.sector, o.note
FROM rows c
LEFT JOIN councils k ON k.council_code = c.council_code
LEFT JOIN providers s ON s.provider_id = c.provider_id
LEFT JOIN observations o ON o.metric = c.metric AND o.period = c.period AND o.council_code = c.council_code
     AND o.provider_id = c.provider_id AND o.service = c.service
ORDER BY c.unit,
         CASE WHEN $by = 'provider' THEN c.metric ELSE c.service END,
         CASE WHEN $by = 'provider' THEN c.service ELSE c.metric END,
         CASE WHEN $by = 'provider' THEN c.council_code ELSE c.provider_id END
