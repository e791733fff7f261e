-- Disclosure check: no figure shows a count it shares with a hidden
-- figure (suppress_linked.sql). linked-shown names a cell shown, with a
-- value or a count, whose metric shares a count (numerator_count,
-- denominator_count) with a metric whose figure of the same council,
-- provider and service, for the same period or one that overlaps it, is
-- hidden.
SELECT DISTINCT 'linked-shown' AS violation, 'observations' AS table_name, o.metric, o.period, o.council_code,
       o.provider_id, o.service,
       CASE WHEN h.period = o.period
            THEN format('shows a count it shares with the hidden {} figure of the same cell', h.metric)
            ELSE format('shows a count it shares with the hidden {} figure of {}, which overlaps it', h.metric, h.period)
       END AS detail
FROM observations h
JOIN metric_sisters s ON s.metric = h.metric
JOIN period_links hp ON hp.period = h.period
JOIN observations o
  ON o.council_code = h.council_code AND o.provider_id = h.provider_id AND o.service = h.service
 AND o.metric = s.sister
JOIN period_links op ON op.period = o.period
 AND op.period_start <= hp.period_end AND op.period_end >= hp.period_start
WHERE h.status = 'c' AND o.status <> 'c'
  AND (o.value IS NOT NULL OR o.numerator IS NOT NULL OR o.denominator IS NOT NULL)
ORDER BY ALL
