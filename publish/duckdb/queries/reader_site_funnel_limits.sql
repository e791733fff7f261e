-- Every funnel-plot limit, each curve (metric, period, service, level) in
-- order of denominator.
SELECT metric, period, service, level, denominator, target,
       lower95, upper95, lower998, upper998, lower998_adjusted, upper998_adjusted
FROM funnel_limits
ORDER BY metric, period, service, level, denominator
