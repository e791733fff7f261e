-- One row per current observation with its statistics (the columns of
-- data/comparisons.parquet in DESIGN.md, in order). $z95 and $z998 are the
-- normal quantiles for 95% and 99.8%.
--
--   ci95_*, ci998_*    Wilson score for proportions; Byar for rates (the
--                      count's limits / denominator x multiplier) and for
--                      counts; NULL for means and scores
--   national_*         from benchmarks (same metric, period, service, level)
--   percentile_rank    100 x percent_rank() among the rows with a value,
--                      ordered worst to best (higher is better unless the
--                      polarity is lower_is_better); ties share the lower
--                      rank; NULL when fewer than two rows have a value
--   z_score            Spiegelhalter's z against the national target at
--                      the row's denominator, unadjusted
--   band_national      z_score against the 99.8% limits
--   band_national_adjusted  the same with the additive random-effects
--                      adjustment for over-dispersion (benchmarks.tau2)
--   band_region, band_council_type, band_similar
--                      the unadjusted 99.8% funnel test against the pooled
--                      value of the council's region, of councils of its
--                      type, and of its similar councils (not including
--                      itself)
--   change_prev, change_year  value minus the value of the same council,
--                      provider, service and metric in the previous period
--                      and the same period a year earlier
--
-- Every figure computed here is published to six significant figures
-- (sig6); a value the council gave is published as given, and one worked
-- out from its counts is computed.
CREATE OR REPLACE TABLE comparisons AS
WITH council_pool AS (
    -- Each council's counts summed first, so the similar-council join
    -- multiplies councils, not rows.
    SELECT council_code, metric, period, service, level,
           any_value(region) AS region, any_value(council_type) AS council_type,
           sum(x) AS x, sum(n) AS n
    FROM comparison_rows
    GROUP BY council_code, metric, period, service, level
),
region_pool AS (
    SELECT metric, period, service, level, region,
           sum(x) / nullif(sum(n), 0) AS target
    FROM council_pool
    WHERE region IS NOT NULL
    GROUP BY ALL
),
type_pool AS (
    SELECT metric, period, service, level, council_type,
           sum(x) / nullif(sum(n), 0) AS target
    FROM council_pool
    WHERE council_type IS NOT NULL
    GROUP BY ALL
),
similar_pool AS (
    SELECT s.council_code, p.metric, p.period, p.service, p.level,
           sum(p.x) / nullif(sum(p.n), 0) AS target
    FROM similar_councils s
    JOIN council_pool p ON p.council_code = s.similar_code
    GROUP BY ALL
),
ranked AS (
    -- Kept by scored only where the row has a value and its group more
    -- than one (benchmarks.national_n, the group's count(value)): one
    -- window, rather than a second one to count the group again.
    SELECT *,
           100 * percent_rank() OVER (
               PARTITION BY metric, period, service, level, value IS NULL
               ORDER BY CASE WHEN polarity = 'lower_is_better' THEN -value ELSE value END) AS rank_in_group
    FROM comparison_rows
),
scored AS (
    SELECT r.*,
           CASE WHEN r.value IS NOT NULL AND b.national_n > 1 THEN r.rank_in_group END AS percentile_rank,
           b.national_value, b.median, b.q1, b.q3, b.national_n,
           funnel_z(r.kind, r.x, r.n, b.target, 0) AS z_national,
           funnel_z(r.kind, r.x, r.n, b.target, b.tau2) AS z_adjusted,
           funnel_z(r.kind, r.x, r.n, rp.target, 0) AS z_region,
           funnel_z(r.kind, r.x, r.n, tp.target, 0) AS z_type,
           funnel_z(r.kind, r.x, r.n, sp.target, 0) AS z_similar,
           prev.value AS prev_value,
           yago.value AS year_value
    FROM ranked r
    JOIN benchmarks b USING (metric, period, service, level)
    LEFT JOIN region_pool rp USING (metric, period, service, level, region)
    LEFT JOIN type_pool tp USING (metric, period, service, level, council_type)
    LEFT JOIN similar_pool sp USING (council_code, metric, period, service, level)
    LEFT JOIN period_links pl ON pl.period = r.period
    LEFT JOIN comparison_rows prev
        ON prev.metric = r.metric AND prev.period = pl.previous AND prev.council_code = r.council_code
       AND prev.provider_id = r.provider_id AND prev.service = r.service
    LEFT JOIN comparison_rows yago
        ON yago.metric = r.metric AND yago.period = pl.year_earlier AND yago.council_code = r.council_code
       AND yago.provider_id = r.provider_id AND yago.service = r.service
)
SELECT
    metric, period, council_code, provider_id, provider_name, service,
    CASE WHEN value_given IS NULL THEN sig6(value) ELSE value END AS value,
    numerator, denominator, status,
    sig6(CASE WHEN kind = 'proportion' THEN wilson_lower(x, n, $z95) * multiplier
         WHEN kind = 'rate' THEN byar_lower(x, $z95) / n * multiplier
         WHEN kind = 'count' AND value >= 0 AND value = floor(value) THEN byar_lower(value, $z95)
    END) AS ci95_lower,
    sig6(CASE WHEN kind = 'proportion' THEN wilson_upper(x, n, $z95) * multiplier
         WHEN kind = 'rate' THEN byar_upper(x, $z95) / n * multiplier
         WHEN kind = 'count' AND value >= 0 AND value = floor(value) THEN byar_upper(value, $z95)
    END) AS ci95_upper,
    sig6(CASE WHEN kind = 'proportion' THEN wilson_lower(x, n, $z998) * multiplier
         WHEN kind = 'rate' THEN byar_lower(x, $z998) / n * multiplier
         WHEN kind = 'count' AND value >= 0 AND value = floor(value) THEN byar_lower(value, $z998)
    END) AS ci998_lower,
    sig6(CASE WHEN kind = 'proportion' THEN wilson_upper(x, n, $z998) * multiplier
         WHEN kind = 'rate' THEN byar_upper(x, $z998) / n * multiplier
         WHEN kind = 'count' AND value >= 0 AND value = floor(value) THEN byar_upper(value, $z998)
    END) AS ci998_upper,
    sig6(national_value) AS national_value,
    sig6(median) AS national_median,
    sig6(q1) AS national_q1,
    sig6(q3) AS national_q3,
    national_n,
    sig6(percentile_rank) AS percentile_rank,
    sig6(z_national) AS z_score,
    band(z_national, $z998, polarity) AS band_national,
    band(z_adjusted, $z998, polarity) AS band_national_adjusted,
    band(z_region, $z998, polarity) AS band_region,
    band(z_type, $z998, polarity) AS band_council_type,
    band(z_similar, $z998, polarity) AS band_similar,
    -- 89.7 - 90.6 is -0.8999999999999915 in binary floating point; to six
    -- significant figures it reads as the figures do (-0.9).
    sig6(value - prev_value) AS change_prev,
    sig6(value - year_value) AS change_year
FROM scored
ORDER BY metric, period, council_code, service, provider_id
