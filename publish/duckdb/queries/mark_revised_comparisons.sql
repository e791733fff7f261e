-- Marks [r] the comparison rows of observations marked revised.
UPDATE comparisons AS c
SET status = 'r'
FROM observations AS o
WHERE o.status = 'r' AND c.status = ''
  AND c.metric = o.metric AND c.period = o.period AND c.council_code = o.council_code
  AND c.provider_id = o.provider_id AND c.service = o.service
