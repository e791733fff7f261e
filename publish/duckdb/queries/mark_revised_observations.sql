-- Marks r the observations fill_changes found revised. A row with a marker
-- of its own (p, u) keeps it; comparisons, built after, copy the status.
UPDATE observations AS o
SET status = 'r'
FROM changes AS ch
WHERE ch.change = 'revised' AND o.status = ''
  AND o.metric = ch.metric AND o.period = ch.period AND o.council_code = ch.council_code
  AND o.provider_id = ch.provider_id AND o.service = ch.service
