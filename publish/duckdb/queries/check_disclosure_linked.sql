-- Disclosure check: no figure shows a count it shares with a hidden
-- figure (suppress_linked.sql). linked-shown names a cell shown, with a
-- value or a count, whose metric shares a count (numerator_count,
-- denominator_count) with a metric whose figure of the same council,
-- provider, service and period is hidden.
WITH sisters AS (
    SELECT a.id AS metric, b.id AS sister
    FROM metrics a
    JOIN metrics b ON a.id <> b.id
     AND ((coalesce(a.numerator_count, '') <> '' AND a.numerator_count IN (b.numerator_count, b.denominator_count))
          OR (coalesce(a.denominator_count, '') <> '' AND a.denominator_count IN (b.numerator_count, b.denominator_count)))
)
SELECT DISTINCT 'linked-shown' AS violation, 'observations' AS table_name, o.metric, o.period, o.council_code,
       o.provider_id, o.service,
       format('shows a count it shares with the hidden {} figure of the same cell', h.metric) AS detail
FROM observations h
JOIN sisters s ON s.metric = h.metric
JOIN observations o
  ON o.council_code = h.council_code AND o.provider_id = h.provider_id AND o.service = h.service
 AND o.period = h.period AND o.metric = s.sister
WHERE h.status = 'c' AND o.status <> 'c'
  AND (o.value IS NOT NULL OR o.numerator IS NOT NULL OR o.denominator IS NOT NULL)
ORDER BY ALL
