-- The cells whose figures, as this release has them (disclosure_truth),
-- some earlier release already published: known to everyone, so hiding one
-- now protects nothing, and it never serves as the complement that
-- protects another.
CREATE OR REPLACE TEMP TABLE history_known AS
SELECT DISTINCT t.council_code, t.provider_id, t.service, t.metric, t.period
FROM disclosure_truth t
JOIN history_cells h USING (council_code, provider_id, service, metric, period)
WHERE NOT h.hidden AND t.status <> 'c'
  AND h.numerator IS NOT DISTINCT FROM t.numerator
  AND h.denominator IS NOT DISTINCT FROM t.denominator
  AND h.value IS NOT DISTINCT FROM t.value
