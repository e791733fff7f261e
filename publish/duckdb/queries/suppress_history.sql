-- A cell some earlier release withheld stays withheld ([c], with its
-- value, counts and note removed): that release's totals were published
-- beside it, and showing it now would give back what it protected there
-- (the old total minus the old parts shown, less this figure).
UPDATE observations o
SET status = 'c', value = NULL, numerator = NULL, denominator = NULL, note = ''
-- A semi-join, so the rows are updated in the table's own order: joined
-- to history_hidden, they would come in the history's order, and DuckDB
-- updates scattered rows many times slower (18 s against 1 s for 112,045
-- of 303,710 rows of a 300,000-row sample).
WHERE o.status <> 'c'
  AND (o.council_code, o.provider_id, o.service, o.metric, o.period) IN (
      SELECT (council_code, provider_id, service, metric, period) FROM history_hidden)
