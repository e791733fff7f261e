-- A cell some earlier release withheld stays withheld ([c], with its
-- value, counts and note removed): that release's totals were published
-- beside it, and showing it now would give back what it protected there
-- (the old total minus the old parts shown, less this figure).
UPDATE observations o
SET status = 'c', value = NULL, numerator = NULL, denominator = NULL, note = ''
FROM (SELECT DISTINCT council_code, provider_id, service, metric, period FROM history_cells WHERE hidden) h
WHERE o.status <> 'c' AND o.council_code = h.council_code AND o.provider_id = h.provider_id
  AND o.service = h.service AND o.metric = h.metric AND o.period = h.period
