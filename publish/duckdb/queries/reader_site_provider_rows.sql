-- The comparison rows of each provider's page, by provider, metric,
-- service and period, with what the page shows beside them (as
-- reader_site_comparisons.sql): each metric and service of a provider in
-- its latest period only. The latest periods are found first, by an
-- aggregate of a few columns, and only their rows are joined to the
-- councils, providers and observations: a window over every comparison
-- row with its joined columns took 80 s at 20 million rows, this 18 s
-- (BENCHMARKS.md, "The provider pages a batch of providers at a time").
WITH latest AS (
    SELECT c.provider_id, c.metric, c.service, max(l.period_start) AS period_start
    FROM comparisons c
    JOIN period_links l ON l.period = c.period
    WHERE c.provider_id <> ''
    GROUP BY ALL
),
rows AS (
    SELECT c.*
    FROM comparisons c
    JOIN period_links l ON l.period = c.period
    JOIN latest t ON t.provider_id = c.provider_id AND t.metric = c.metric AND t.service = c.service
         AND t.period_start = l.period_start
)
SELECT c.*,
       k.name, k.region, k.type_name, p.sector, o.note
FROM rows c
LEFT JOIN councils k ON k.council_code = c.council_code
LEFT JOIN providers p ON p.provider_id = c.provider_id
LEFT JOIN observations o ON o.metric = c.metric AND o.period = c.period AND o.council_code = c.council_code
     AND o.provider_id = c.provider_id AND o.service = c.service
ORDER BY c.provider_id, c.metric, c.service, c.period, c.council_code
