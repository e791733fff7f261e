-- Each provider pooled across the councils that commission it, per metric,
-- period and service, against the national benchmark for provider rows,
-- with the spread between its councils.
--
--   value            sum(x) / sum(n) x multiplier over councils giving
--                    counts; the mean of the councils' values otherwise
--   ci*              Wilson or Byar on the pooled counts
--   z_score, band_*  the funnel test of the pooled figure against the
--                    national target at the pooled denominator; the
--                    adjusted band uses the benchmark's tau2
--   councils_*       min, quartiles (quantile_cont), max and standard
--                    deviation of the councils' values
-- Computed figures are published to six significant figures (sig6); the
-- least and greatest of the councils' values are values as given.
CREATE OR REPLACE TABLE provider_profile AS
WITH g AS (
    SELECT provider_id, metric, period, service,
           any_value(kind) AS kind, any_value(polarity) AS polarity, any_value(multiplier) AS multiplier,
           count(DISTINCT council_code) FILTER (WHERE value IS NOT NULL) AS n_councils,
           count(value) AS n_values,
           sum(x)::BIGINT AS x, sum(n)::BIGINT AS n,
           avg(value) AS mean_value,
           min(value) AS councils_min,
           quantile_cont(value, [0.25, 0.5, 0.75]) AS councils_quartiles,
           max(value) AS councils_max,
           stddev_samp(value) AS councils_sd
    FROM comparison_rows
    WHERE level = 'provider'
    GROUP BY provider_id, metric, period, service
),
scored AS (
    SELECT g.*, b.national_value,
           funnel_z(g.kind, g.x, g.n, b.target, 0) AS z_national,
           funnel_z(g.kind, g.x, g.n, b.target, b.tau2) AS z_adjusted
    FROM g
    JOIN benchmarks b ON b.metric = g.metric AND b.period = g.period AND b.service = g.service AND b.level = 'provider'
)
SELECT g.provider_id, p.provider_name, p.sector AS provider_sector, g.metric, g.period, g.service,
       g.n_councils, g.n_values,
       g.x AS numerator, g.n AS denominator,
       sig6(coalesce(g.x / nullif(g.n, 0) * g.multiplier, g.mean_value)) AS value,
       sig6(CASE WHEN g.kind = 'proportion' THEN wilson_lower(g.x, g.n, $z95) * g.multiplier
                 WHEN g.kind = 'rate' THEN byar_lower(g.x, $z95) / g.n * g.multiplier END) AS ci95_lower,
       sig6(CASE WHEN g.kind = 'proportion' THEN wilson_upper(g.x, g.n, $z95) * g.multiplier
                 WHEN g.kind = 'rate' THEN byar_upper(g.x, $z95) / g.n * g.multiplier END) AS ci95_upper,
       sig6(CASE WHEN g.kind = 'proportion' THEN wilson_lower(g.x, g.n, $z998) * g.multiplier
                 WHEN g.kind = 'rate' THEN byar_lower(g.x, $z998) / g.n * g.multiplier END) AS ci998_lower,
       sig6(CASE WHEN g.kind = 'proportion' THEN wilson_upper(g.x, g.n, $z998) * g.multiplier
                 WHEN g.kind = 'rate' THEN byar_upper(g.x, $z998) / g.n * g.multiplier END) AS ci998_upper,
       sig6(g.national_value) AS national_value,
       sig6(g.z_national) AS z_score,
       band(g.z_national, $z998, g.polarity) AS band_national,
       band(g.z_adjusted, $z998, g.polarity) AS band_national_adjusted,
       g.councils_min, sig6(g.councils_quartiles[1]) AS councils_q1, sig6(g.councils_quartiles[2]) AS councils_median,
       sig6(g.councils_quartiles[3]) AS councils_q3, g.councils_max, sig6(g.councils_sd) AS councils_sd
FROM scored g
LEFT JOIN providers p ON p.provider_id = g.provider_id
ORDER BY g.provider_id, g.metric, g.period, g.service
