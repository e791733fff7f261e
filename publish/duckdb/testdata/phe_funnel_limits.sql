SELECT denominator, target, lower95, upper95, lower998, upper998
FROM funnel_limits
ORDER BY denominator
