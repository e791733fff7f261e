-- The funnel-plot limits of metric $metric in period $period, each curve
-- (service and level) in order of denominator.
SELECT metric, period, service, level, denominator, target,
       lower95, upper95, lower998, upper998, lower998_adjusted, upper998_adjusted
FROM funnel_limits
WHERE metric = $metric AND period = $period
ORDER BY service, level, denominator
