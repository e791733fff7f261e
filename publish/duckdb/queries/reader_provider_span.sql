-- How many comparison rows provider $id has, and the first metric among
-- them (NULL when it has none). Only provider_id is read for every row, and
-- metric for the provider's own, so this stays cheap in a table stored in
-- observation-key order, where a provider's rows are spread through it.
SELECT count(*) AS total, min(metric) AS first_metric
FROM comparisons
WHERE provider_id = $id
