-- Every comparison row in metric order (by metric and period), for the
-- metric pages, with what a page of the website shows beside it: the
-- council's name, region and type from the councils table, the
-- provider's sector from the providers table, and the council's note on
-- the figure from the observations table. The rows are read a batch of
-- metric periods at a time, from ($from_metric, $from_period) to
-- ($to_metric, $to_period) inclusive (reader_site_batches.sql). The
-- provider and council pages read theirs with reader_site_latest_rows.sql.
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
     AND o.metric BETWEEN $from_metric AND $to_metric
WHERE c.metric BETWEEN $from_metric AND $to_metric
  AND (c.metric > $from_metric OR c.period >= $from_period)
  AND (c.metric < $to_metric OR c.period <= $to_period)
ORDER BY c.metric, c.period, c.service, c.council_code, c.provider_id
