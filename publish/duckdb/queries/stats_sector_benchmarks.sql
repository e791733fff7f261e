-- Each sector's providers pooled, per metric, period and service, against
-- the national value for providers: the "level playing field" between
-- public, voluntary, private and PLC providers. A provider's sector is the
-- providers table's (the sector most councils' rows give); providers with
-- none are left out.
--
--   value            sum(x) / sum(n) x multiplier over the sector's
--                    provider rows giving counts (proportions and rates);
--                    the mean of its rows' values otherwise
--   ci*              on the pooled counts, as comparisons and
--                    provider_profile: Wilson for proportions; for rates
--                    the exact Poisson limits below 10 events and Byar's
--                    from 10; NULL for other kinds
--   band_national    PHE's significance rule: the pooled 99.8% interval
--                    against the national value for providers, both as
--                    published; not_compared for kinds without an
--                    interval and when fewer than $min_rows of the
--                    sector's rows give the counts the interval is made
--                    from (schemas.MinGroupRows): rows with a value alone
--                    do not count, or one provider's counts could be
--                    banded as a whole sector's
-- Computed figures are published to six significant figures (sig6).
-- Every row pooled is a published cell (comparison_rows holds no hidden
-- figure), and each published cell of a small_counts metric has a
-- numerator of 0 or at least 5 and a denominator of at least 10, so
-- every pool does too.
CREATE OR REPLACE TABLE sector_benchmarks AS
WITH g AS (
    SELECT p.sector, r.metric, r.period, r.service,
           any_value(r.kind) AS kind, any_value(r.polarity) AS polarity, any_value(r.multiplier) AS multiplier,
           count(r.value) AS n_rows,
           count(DISTINCT r.provider_id) FILTER (WHERE r.value IS NOT NULL) AS n_providers,
           count(DISTINCT r.council_code) FILTER (WHERE r.value IS NOT NULL) AS n_councils,
           count(r.x) AS n_pooled,
           sum(r.x)::BIGINT AS x, sum(r.n)::BIGINT AS n,
           exact_mean(r.value) AS mean_value
    FROM comparison_rows r
    JOIN providers p ON p.provider_id = r.provider_id
    WHERE r.level = 'provider' AND p.sector IS NOT NULL AND p.sector <> ''
    GROUP BY ALL
    HAVING count(r.value) > 0
),
scored AS (
    SELECT g.*, b.national_value, g.n_pooled >= $min_rows AS bandable
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
)
SELECT metric, period, service, sector,
       n_rows, n_providers, n_councils,
       x AS numerator, n AS denominator,
       sig6(coalesce(x / nullif(n, 0) * multiplier, mean_value)) AS value,
       ci95_lower, ci95_upper, ci998_lower, ci998_upper,
       national_published AS national_value,
       CASE WHEN bandable AND kind IN ('proportion', 'rate')
            THEN interval_band(ci998_lower, ci998_upper, national_published, polarity)
            ELSE 'not_compared' END AS band_national
FROM published
ORDER BY metric, period, service, sector
