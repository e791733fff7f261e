-- One row per metric x period x service x level: the national benchmark.
--
--   target          pooled sum(x) / sum(n) over rows with counts
--                   (proportions and rates); NULL for other kinds
--   national_value  target x multiplier; the mean of the values where there
--                   is no target (means, scores, counts, or no counts given)
--   national_n      rows with a value; n_councils, n_providers likewise
--   median .. p90   quantile_cont (linear interpolation) of the values;
--                   NULL when fewer than $min_rows rows have a value
--                   (schemas.MinGroupRows)
--   n_z, phi, tau2  over-dispersion (Spiegelhalter 2005, "Handling
--                   over-dispersion of performance indicators", Qual Saf
--                   Health Care 14:347): z_i = (x_i/n_i - target) / se_i;
--                   z winsorised at its 10th and 90th percentiles
--                   (quantile_cont); phi = mean of winsorised z^2; with
--                   w_i = 1/se_i^2, when n_z phi > n_z - 1,
--                   tau2 = (n_z phi - (n_z - 1)) / (sum w - sum w^2 / sum w),
--                   else 0. tau2 is on the scale of x/n (before the
--                   multiplier).
CREATE OR REPLACE TABLE benchmarks AS
WITH groups AS (
    SELECT metric, period, service, level,
           any_value(kind) AS kind, any_value(polarity) AS polarity, any_value(multiplier) AS multiplier,
           count(value) AS national_n,
           count(DISTINCT council_code) FILTER (WHERE value IS NOT NULL) AS n_councils,
           count(DISTINCT provider_id) FILTER (WHERE value IS NOT NULL AND provider_id <> '') AS n_providers,
           count(x) AS n_pooled,
           sum(x)::BIGINT AS sum_numerator,
           sum(n)::BIGINT AS sum_denominator,
           exact_mean(value) AS mean_value,
           -- One aggregate for the five quantiles: each quantile_cont
           -- keeps its own copy of the group's values, outside the memory
           -- DuckDB's limit counts. The same interpolation either way
           -- (every data file byte-identical at a million rows).
           CASE WHEN count(value) >= $min_rows THEN quantile_cont(value, [0.5, 0.25, 0.75, 0.1, 0.9]) END AS quantiles
    FROM comparison_rows
    GROUP BY metric, period, service, level
),
targets AS (
    SELECT * EXCLUDE (quantiles),
           quantiles[1] AS median, quantiles[2] AS q1, quantiles[3] AS q3, quantiles[4] AS p10, quantiles[5] AS p90,
           CASE WHEN kind IN ('proportion', 'rate') AND sum_denominator > 0
                THEN sum_numerator / sum_denominator END AS target
    FROM groups
),
z AS (
    SELECT r.metric, r.period, r.service, r.level,
           funnel_se(r.kind, t.target, r.n) AS se,
           funnel_z(r.kind, r.x, r.n, t.target, 0) AS z
    FROM comparison_rows r
    JOIN targets t USING (metric, period, service, level)
    WHERE funnel_se(r.kind, t.target, r.n) > 0
),
bounds AS (
    SELECT metric, period, service, level,
           quantile_cont(z, [0.1, 0.9]) AS zq
    FROM z
    GROUP BY ALL
),
dispersion AS (
    SELECT metric, period, service, level,
           count(*) AS n_z,
           avg(power(least(greatest(z, zq[1]), zq[2]), 2)) AS phi,
           sum(1 / power(se, 2)) AS sum_w,
           sum(1 / power(se, 4)) AS sum_w2
    FROM z JOIN bounds USING (metric, period, service, level)
    GROUP BY ALL
)
SELECT t.metric, t.period, t.service, t.level, t.kind, t.polarity, t.multiplier,
       coalesce(t.target * t.multiplier, t.mean_value) AS national_value,
       t.national_n, t.n_councils, t.n_providers, t.n_pooled,
       t.sum_numerator, t.sum_denominator, t.mean_value,
       t.median, t.q1, t.q3, t.p10, t.p90,
       t.target,
       coalesce(d.n_z, 0) AS n_z,
       d.phi,
       CASE WHEN d.n_z IS NULL THEN NULL
            WHEN d.n_z * d.phi > d.n_z - 1 AND d.sum_w - d.sum_w2 / d.sum_w > 0
                THEN (d.n_z * d.phi - (d.n_z - 1)) / (d.sum_w - d.sum_w2 / d.sum_w)
            ELSE 0.0
       END AS tau2
FROM targets t
LEFT JOIN dispersion d USING (metric, period, service, level)
ORDER BY t.metric, t.period, t.service, t.level
