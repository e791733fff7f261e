-- Every comparison row, with what a page of the website shows beside it:
-- the council's name, region and type from the councils table, the
-- provider's sector from the providers table, and the council's note on the
-- figure from the observations table. $by picks the order the site reads
-- them in, so each page's rows arrive together: 'metric' (by metric and
-- period; the council pages are gathered from this scan too) or
-- 'provider' (by provider, metric, service, period). reader_site.go
-- checks $by. In metric order the rows are read a batch of metric periods
-- at a time, from ($from_metric, $from_period) to ($to_metric, $to_period)
-- inclusive (reader_site_batches.sql); the bounds are NULL in provider
-- order, which reads every provider at once.
SELECT c.*,
       k.name, k.region, k.type_name, p.sector, o.note
FROM comparisons c
LEFT JOIN councils k ON k.council_code = c.council_code
LEFT JOIN providers p ON p.provider_id = c.provider_id
LEFT JOIN observations o ON o.metric = c.metric AND o.period = c.period AND o.council_code = c.council_code
     AND o.provider_id = c.provider_id AND o.service = c.service
     -- The batch's bound on the observations' metric too, so that DuckDB
     -- may skip that side's row groups of other metrics by their min and
     -- max, as the table is stored in metric order; it changes no row, as
     -- a matching observation has the comparison's own metric.
     AND ($from_metric IS NULL OR o.metric BETWEEN $from_metric AND $to_metric)
LEFT JOIN period_links l ON l.period = c.period
WHERE $by IN ('metric', 'provider')
  AND ($by <> 'provider' OR c.provider_id <> '')
  AND ($from_metric IS NULL
       OR (c.metric BETWEEN $from_metric AND $to_metric
           AND (c.metric > $from_metric OR c.period >= $from_period)
           AND (c.metric < $to_metric OR c.period <= $to_period)))
-- A provider page shows each metric and service in its latest period
-- only, so the provider scan reads no other period.
QUALIFY $by <> 'provider' OR l.period_start = max(l.period_start) OVER (PARTITION BY c.provider_id, c.metric, c.service)
ORDER BY CASE WHEN $by = 'metric' THEN c.metric END,
         CASE WHEN $by = 'metric' THEN c.period END,
         CASE WHEN $by = 'provider' THEN c.provider_id END,
         c.metric, c.service, c.period, c.council_code, c.provider_id
