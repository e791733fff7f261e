-- Every benchmark, by metric, period, service and level, with the least
-- and greatest value compared (the ends of a spine chart), which the
-- benchmarks table does not hold: a row's level is provider when it names
-- a provider and council for a council-wide figure. Like the median and
-- quartiles, the ends are blank for a group of fewer than
-- schemas.MinGroupRows values, whose median benchmarks leaves blank.
SELECT b.metric, b.period, b.service, b.level, b.kind, b.polarity, b.multiplier,
       b.national_value, b.national_n, b.n_councils, b.n_providers, b.n_pooled,
       b.sum_numerator, b.sum_denominator, b.mean_value, b.median, b.q1, b.q3, b.p10, b.p90,
       b.target, b.n_z, b.phi, b.tau2,
       CASE WHEN b.median IS NOT NULL THEN r.min_value END AS min_value,
       CASE WHEN b.median IS NOT NULL THEN r.max_value END AS max_value
FROM benchmarks b
LEFT JOIN (
    SELECT metric, period, service,
           CASE WHEN provider_id = '' THEN 'council' ELSE 'provider' END AS level,
           min(value) AS min_value, max(value) AS max_value
    FROM comparisons
    GROUP BY ALL
) r ON r.metric = b.metric AND r.period = b.period AND r.service = b.service AND r.level = b.level
ORDER BY b.metric, b.period, b.service, b.level
