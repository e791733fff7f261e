-- The rate funnel limits of the groups TestFunnelLimitsPHERates draws, one
-- point each, by group (period).
SELECT period, denominator, lower95, upper95, lower998, upper998
FROM funnel_limits
ORDER BY period
