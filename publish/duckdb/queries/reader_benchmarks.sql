-- The benchmarks of metric $metric, by period, service and level.
SELECT metric, period, service, level, kind, polarity, multiplier,
       national_value, national_n, n_councils, n_providers, n_pooled,
       sum_numerator, sum_denominator, mean_value, median, q1, q3, p10, p90,
       target, n_z, phi, tau2
FROM benchmarks
WHERE metric = $metric
ORDER BY period, service, level
