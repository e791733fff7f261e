-- Each provider pooled across the councils that commission it, per metric,
-- period and service, against the national benchmark for provider rows,
-- with the spread between its councils.
--
--   value            sum(x) / sum(n) x multiplier over councils giving
--                    counts; the mean of the councils' values otherwise
--   ci*              on the pooled counts, as comparisons: Wilson for
--                    proportions; for rates the exact Poisson limits below
--                    10 events and Byar's from 10
--   z_score          the funnel z of the pooled figure against the
--                    national target at the pooled denominator
--   band_national    PHE's significance rule: the pooled 99.8% interval
--                    against the national value, both as published
--   band_national_adjusted  the funnel test with the benchmark's tau2;
--                    similar wherever band_national is
--   bands            not_compared when the national group has fewer than
--                    $min_rows rows with a value (schemas.MinGroupRows)
--   councils_*       min, quartiles (quantile_cont), max and standard
--                    deviation of the councils' values
-- Computed figures are published to six significant figures (sig6); the
-- least and greatest of the councils' values are values as given.
--
-- The rows are left in no order: write_release.sql stores the table sorted
-- by its key, and nothing reads this scratch table's order.
--
-- It gives the rows of the metrics from the variable compare_first to
-- compare_last, in text order (set_compare_first.sql), as comparisons.sql
-- does: Build makes the table empty from it and adds each batch of
-- metrics' rows (session.profile). Every group lies within one metric.
WITH g AS (
    SELECT provider_id, metric, period, service,
           any_value(kind) AS kind, any_value(polarity) AS polarity, any_value(multiplier) AS multiplier,
           -- A council gives a provider one row per metric, period and
           -- service (observations are unique by council, provider,
           -- service, metric and period), so the councils with a value
           -- are the rows with one: counted as such, not as a distinct
           -- count, which holds a set of councils for every group (about
           -- 30% of the aggregate's time at 20M rows, measured over every
           -- metric at once: BenchmarkProfileCounts).
           count(value) AS n_councils,
           count(value) AS n_values,
           sum(x)::BIGINT AS x, sum(n)::BIGINT AS n,
           exact_mean(value) AS mean_value,
           min(value) AS councils_min,
           quantile_cont(value, [0.25, 0.5, 0.75]) AS councils_quartiles,
           max(value) AS councils_max,
           stddev_samp(value) AS councils_sd
    FROM comparison_rows
    WHERE level = 'provider' AND metric BETWEEN getvariable('compare_first') AND getvariable('compare_last')
    GROUP BY provider_id, metric, period, service
),
scored AS (
    SELECT g.*, b.national_value, b.national_n >= $min_rows AS bandable,
           funnel_z(g.kind, g.x, g.n, b.target, 0) AS z_national,
           funnel_z(g.kind, g.x, g.n, b.target, b.tau2) AS z_adjusted
    FROM g
    JOIN benchmarks b ON b.metric = g.metric AND b.period = g.period AND b.service = g.service AND b.level = 'provider'
),
limits AS (
    -- At full precision, each worked out once (see comparisons.sql). x is
    -- NULL for every kind but proportions and rates (comparison_rows), so
    -- interval_* gives no count interval here.
    SELECT s.*,
           interval_lower(s.kind, s.x, s.n, s.x, s.multiplier, $z95, e.lower95) AS lower95,
           interval_upper(s.kind, s.x, s.n, s.x, s.multiplier, $z95, e.upper95) AS upper95,
           interval_lower(s.kind, s.x, s.n, s.x, s.multiplier, $z998, e.lower998) AS lower998,
           interval_upper(s.kind, s.x, s.n, s.x, s.multiplier, $z998, e.upper998) AS upper998
    FROM scored s
    LEFT JOIN poisson_exact e ON e.events = s.x AND s.kind = 'rate'
),
published AS (
    SELECT *,
           sig6(lower95) AS ci95_lower, sig6(upper95) AS ci95_upper,
           sig6(lower998) AS ci998_lower, sig6(upper998) AS ci998_upper,
           sig6(national_value) AS national_published
    FROM limits
),
banded AS (
    SELECT *,
           CASE WHEN bandable AND kind IN ('proportion', 'rate')
                THEN interval_band(ci998_lower, ci998_upper, national_published, polarity)
                ELSE 'not_compared' END AS band_national
    FROM published
)
SELECT g.provider_id, p.provider_name, p.sector AS provider_sector, g.metric, g.period, g.service,
       g.n_councils, g.n_values,
       g.x AS numerator, g.n AS denominator,
       sig6(coalesce(g.x / nullif(g.n, 0) * g.multiplier, g.mean_value)) AS value,
       g.ci95_lower, g.ci95_upper, g.ci998_lower, g.ci998_upper,
       g.national_published AS national_value,
       sig6(g.z_national) AS z_score,
       g.band_national,
       CASE WHEN g.band_national IN ('similar', 'not_compared') THEN g.band_national
            ELSE band(g.z_adjusted, $z998, g.polarity) END AS band_national_adjusted,
       g.councils_min, sig6(g.councils_quartiles[1]) AS councils_q1, sig6(g.councils_quartiles[2]) AS councils_median,
       sig6(g.councils_quartiles[3]) AS councils_q3, g.councils_max, sig6(g.councils_sd) AS councils_sd
FROM banded g
LEFT JOIN providers p ON p.provider_id = g.provider_id
