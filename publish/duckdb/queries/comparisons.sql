-- One row per current observation with its statistics (the columns of
-- data/comparisons.parquet in DESIGN.md, in order). $z95 and $z998 are the
-- normal quantiles for 95% and 99.8% (Z95, Z998); $min_rows is
-- schemas.MinGroupRows.
--
--   ci95_*, ci998_*    Wilson score for proportions; for rates (the
--                      count's limits / denominator x multiplier) and
--                      counts, the exact Poisson limits below 10 events
--                      (poisson_exact) and Byar's from 10, as
--                      PHEindicatormethods' phe_rate; NULL for means and
--                      scores
--   national_*         from benchmarks (same metric, period, service, level);
--                      the median and quartiles are NULL in a group of
--                      fewer than $min_rows rows with a value
--   percentile_rank    100 (r - 1) / (N - 1), where r is the row's mid-rank
--                      among the group's N rows with a value, ordered worst
--                      to best (higher is better unless the polarity is
--                      lower_is_better): tied rows share the mean of the
--                      positions they occupy, (rank() + count of rows
--                      ordered at or before it) / 2, two aggregates of one
--                      window. NULL in a group of fewer than $min_rows
--   quintile           5 - floor(5 p), p = (rows worse + half the rows tied
--                      with it, itself included) / N, the row's
--                      mid-distribution position; in whole numbers
--                      5 - floor(5 (rank_low + rank_high - 1) / (2N)), so
--                      exact. 1 is the best fifth. NULL for polarity none,
--                      without a value, and in a group of fewer than
--                      $min_rows
--   z_score            Spiegelhalter's z against the national target at
--                      the row's denominator, unadjusted
--   robust_z           (value - median) / MAD, MAD = median |value -
--                      median| over the group's values (quantile_cont, as
--                      the median), unscaled, as Oflog publishes "MADs from
--                      the median"; NULL when the MAD is 0 or the median
--                      is not published
--   band_national, band_national_95
--                      PHE's significance rule (interval_band): the row's
--                      99.8% or 95% interval against the national value,
--                      both as published
--   band_national_adjusted  the funnel test (z against +/- $z998) with the
--                      additive random-effects adjustment for
--                      over-dispersion (benchmarks.tau2); the adjustment
--                      only widens the limits, so where band_national is
--                      similar or not_compared it is the same
--   region_value, council_type_value, similar_value
--                      the pooled value of the council's region, of
--                      councils of its type (each with the council), and
--                      of its similar councils (without it) for the
--                      responsibility the row's service needs
--                      (service_responsibilities), published (sig6); NULL
--                      where the row has no value
--   band_region, band_council_type, band_similar
--                      the 99.8% interval against those values, as
--                      published
--   similar_rank, similar_n
--                      the row's place, best first (rank(): ties share the
--                      better place), among the similar_n rows with a
--                      value of its group from the council and its similar
--                      councils for the service's responsibility; NULL
--                      without a value, for a council with no such similar
--                      councils, and in a group of fewer than $min_rows.
--                      Build works them out for the batch first, in one
--                      sweep of each group in score order (similar_ranks,
--                      similar_rank.go), joined here on the row's rowid
--   every band above   only for proportions and rates, in a group of at
--                      least $min_rows rows with a value; not_compared
--                      otherwise and wherever the row has no interval
--   change_prev, change_year  value minus the value of the same council,
--                      provider, service and metric in the previous period
--                      and the same period a year earlier
--   change_prev_band, change_year_band
--                      change_z (the score test of no change between the
--                      two periods' counts) against +/- $z998 (band):
--                      better, worse or similar by polarity; not_compared
--                      unless both rows give counts of a proportion or
--                      rate
--   trend, trend_direction
--                      the recent trend of the row's series (same metric,
--                      council, provider, service, so level) over the row's
--                      period and the four before it of the same kind
--                      (period_links.previous, so quarters with quarters
--                      and years with years), as Fingertips' recent trend:
--                      the chi-squared test for trend in proportions
--                      (Cochran-Armitage) or its Poisson counterpart for
--                      rates, the score test of no trend, with scores
--                      t = 1..5, U = N Sxt - X Snt, D = N Sntt - Snt^2
--                      (N = sum n, X = sum x), z = U / sqrt(X (N - X) D / N)
--                      for a proportion and U / sqrt(X D) for a rate,
--                      against +/- $z998 (Fingertips' 9.5495 on chi-squared
--                      = z^2): increasing, decreasing or
--                      no_significant_change (also when X is 0, or N for a
--                      proportion: no variation at all); not_compared unless
--                      all five periods are present with counts (x, n) of a
--                      proportion or rate, so a hidden point, itself or
--                      another, leaves it not_compared. trend_direction is
--                      better or worse by polarity, none otherwise
--
-- Every figure computed here is published to six significant figures
-- (sig6); a value the council gave is published as given, and one worked
-- out from its counts is computed. Bands are decided on the published
-- figures, so rounding cannot make one contradict them.
--
-- The rows come sorted by the table's key, metric first, and Build adds
-- the batches in metric order, so the table is stored in the key order
-- the release file keeps it in without a sort of every row at the end
-- (comparisons_release.sql, write_release_comparisons.sql).
--
-- Build adds these rows to comparisons (made empty by comparison_rows.sql,
-- and moved into the release file when Build writes that file:
-- comparisons_release.sql). They are the rows of the metrics from the
-- variable compare_first to compare_last, in text order: every metric unless Build narrows them (set_compare_first.sql,
-- set_compare_last.sql). Every group, pool, window and series above lies
-- within one metric, so a batch of metrics gives exactly the rows the
-- whole table holds for them; Build runs it a batch at a time so that the
-- windows' memory follows the batch, not the release. DuckDB binds each
-- getvariable as a constant, so every read of comparison_rows filters
-- its scan to the batch (not left to joins to carry; a CTE of the batch
-- would be copied, and would lose the rowid that the window below and
-- similar_ranks rely on).
WITH council_pool AS (
    -- Each council's counts summed first, so the similar-council join
    -- multiplies councils, not rows; with the responsibility its service
    -- needs, which chooses the list of similar councils.
    SELECT r.council_code, r.metric, r.period, r.service, r.level,
           any_value(r.region) AS region, any_value(r.council_type) AS council_type,
           any_value(sv.responsibility) AS responsibility,
           sum(r.x) AS x, sum(r.n) AS n
    FROM comparison_rows r
    LEFT JOIN service_responsibilities sv USING (service)
    WHERE r.metric BETWEEN getvariable('compare_first') AND getvariable('compare_last')
    GROUP BY r.council_code, r.metric, r.period, r.service, r.level
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
    -- A row's similar councils are those of its council's list for the
    -- responsibility its service needs.
    SELECT s.council_code, p.metric, p.period, p.service, p.level,
           sum(p.x) / nullif(sum(p.n), 0) AS target
    FROM similar_councils s
    JOIN council_pool p ON p.council_code = s.similar_code AND p.responsibility = s.responsibility
    GROUP BY ALL
),
trend_points AS (
    -- Each row numbered along its series (t); hidden rows and rows
    -- without counts stay in, with x NULL, so a window over five
    -- neighbours counts them as gaps.
    SELECT r.metric, r.period, r.council_code, r.provider_id, r.service, r.x::DOUBLE AS x, r.n::DOUBLE AS n,
           pl.kind AS period_kind,
           row_number() OVER (PARTITION BY r.metric, r.council_code, r.provider_id, r.service, pl.kind
                              ORDER BY pl.period_start)::DOUBLE AS t
    FROM comparison_rows r
    JOIN period_links pl ON pl.period = r.period
    WHERE r.kind IN ('proportion', 'rate') AND r.metric BETWEEN getvariable('compare_first') AND getvariable('compare_last')
),
trend_sums AS (
    -- The score test's sums over each row and the four before it in its
    -- series, and the period the window starts at: the series is whole
    -- only where that is four periods back (trend_start) and all five
    -- give counts.
    SELECT metric, period, council_code, provider_id, service,
           count(x) OVER w AS points,
           first_value(period) OVER w AS first_period,
           sum(x) OVER w AS sx, sum(n) OVER w AS sn,
           sum(x * t) OVER w AS sxt, sum(n * t) OVER w AS snt, sum(n * t * t) OVER w AS sntt
    FROM trend_points
    WINDOW w AS (PARTITION BY metric, council_code, provider_id, service, period_kind ORDER BY t
                 ROWS BETWEEN 4 PRECEDING AND CURRENT ROW)
),
trend_start AS (
    -- Each period with the period four before it of the same kind.
    SELECT p0.period, p3.previous AS start_period
    FROM period_links p0
    JOIN period_links p1 ON p1.period = p0.previous
    JOIN period_links p2 ON p2.period = p1.previous
    JOIN period_links p3 ON p3.period = p2.previous
),
trends AS (
    SELECT s.metric, s.period, s.council_code, s.provider_id, s.service,
           s.sn * s.sxt - s.sx * s.snt AS trend_u,
           (s.sn * s.sntt - s.snt * s.snt)
               * CASE WHEN s.sn > s.sx AND m.kind = 'proportion' THEN s.sx * (s.sn - s.sx) / s.sn
                      WHEN m.kind = 'rate' THEN s.sx ELSE 0 END AS trend_var
    FROM trend_sums s
    JOIN trend_start ts ON ts.period = s.period AND ts.start_period = s.first_period
    JOIN metrics m ON m.id = s.metric
    WHERE s.points = 5
),
spread AS (
    -- The median absolute deviation of each group with a published median.
    SELECT r.metric, r.period, r.service, r.level,
           quantile_cont(abs(r.value - b.median), 0.5) AS mad
    FROM comparison_rows r
    JOIN benchmarks b USING (metric, period, service, level)
    WHERE r.value IS NOT NULL AND b.median IS NOT NULL AND r.metric BETWEEN getvariable('compare_first') AND getvariable('compare_last')
    GROUP BY ALL
),
ranked AS (
    -- rank_low is the first position of the row's ties (rank()), and
    -- rank_high the last (count(*) over the default frame, which runs to
    -- the last of the row's peers); one window serves both. Kept by
    -- scored only where the row has a value and its group enough rows
    -- (benchmarks.national_n, the group's count(value), is the window's N).
    -- The window carries the row's rowid only, and the row is joined back
    -- to it: carrying every column through the window's sort took three
    -- times as long.
    SELECT c.*, c.rowid AS rid, w.rank_low, w.rank_high
    FROM comparison_rows c
    JOIN (SELECT rowid AS rid, rank() OVER w AS rank_low, count(*) OVER w AS rank_high
          FROM comparison_rows
          WHERE metric BETWEEN getvariable('compare_first') AND getvariable('compare_last')
          WINDOW w AS (PARTITION BY metric, period, service, level, value IS NULL
                       ORDER BY CASE WHEN polarity = 'lower_is_better' THEN -value ELSE value END)) w
        ON w.rid = c.rowid
    WHERE c.metric BETWEEN getvariable('compare_first') AND getvariable('compare_last')
),
scored AS (
    SELECT r.*,
           b.national_n >= $min_rows AND r.kind IN ('proportion', 'rate') AS bandable,
           CASE WHEN r.value IS NOT NULL AND b.national_n >= $min_rows AND b.national_n > 1
                THEN 100 * (r.rank_low + r.rank_high - 2) / (2 * (b.national_n - 1)) END AS percentile_rank,
           CASE WHEN r.value IS NOT NULL AND b.national_n >= $min_rows AND r.polarity <> 'none'
                THEN 5 - (5 * (r.rank_low + r.rank_high - 1)) // (2 * b.national_n) END AS quintile,
           CASE WHEN r.value IS NOT NULL AND sd.mad > 0 THEN (r.value - b.median) / sd.mad END AS robust_z,
           b.national_value, b.median, b.q1, b.q3, b.national_n,
           funnel_z(r.kind, r.x, r.n, b.target, 0) AS z_national,
           funnel_z(r.kind, r.x, r.n, b.target, b.tau2) AS z_adjusted,
           CASE WHEN r.value IS NOT NULL THEN rp.target * r.multiplier END AS region_value,
           CASE WHEN r.value IS NOT NULL THEN tp.target * r.multiplier END AS type_value,
           CASE WHEN r.value IS NOT NULL THEN sp.target * r.multiplier END AS similar_value,
           -- similar_ranks holds only groups this large (the sweep skips
           -- the rest); the test here is the definition, kept whole.
           CASE WHEN b.national_n >= $min_rows THEN sr.similar_rank END AS similar_rank,
           CASE WHEN b.national_n >= $min_rows THEN sr.similar_n END AS similar_n,
           CASE WHEN r.kind = 'rate' THEN r.x
                WHEN r.kind = 'count' AND r.value >= 0 AND r.value = floor(r.value) THEN r.value
           END AS events,
           prev.value AS prev_value,
           yago.value AS year_value,
           change_z(r.kind, r.x, r.n, prev.x, prev.n) AS z_prev,
           change_z(r.kind, r.x, r.n, yago.x, yago.n) AS z_year,
           CASE WHEN tr.trend_var > 0 THEN tr.trend_u / sqrt(tr.trend_var)
                WHEN tr.trend_var IS NOT NULL THEN 0.0 END AS z_trend
    FROM ranked r
    JOIN benchmarks b USING (metric, period, service, level)
    LEFT JOIN spread sd USING (metric, period, service, level)
    LEFT JOIN region_pool rp USING (metric, period, service, level, region)
    LEFT JOIN type_pool tp USING (metric, period, service, level, council_type)
    LEFT JOIN similar_pool sp USING (council_code, metric, period, service, level)
    LEFT JOIN similar_ranks sr ON sr.rid = r.rid
    LEFT JOIN trends tr USING (metric, period, council_code, provider_id, service)
    LEFT JOIN period_links pl ON pl.period = r.period
    LEFT JOIN (FROM comparison_rows WHERE metric BETWEEN getvariable('compare_first') AND getvariable('compare_last')) prev
        ON prev.metric = r.metric AND prev.period = pl.previous AND prev.council_code = r.council_code
       AND prev.provider_id = r.provider_id AND prev.service = r.service
    LEFT JOIN (FROM comparison_rows WHERE metric BETWEEN getvariable('compare_first') AND getvariable('compare_last')) yago
        ON yago.metric = r.metric AND yago.period = pl.year_earlier AND yago.council_code = r.council_code
       AND yago.provider_id = r.provider_id AND yago.service = r.service
),
limits AS (
    -- The intervals at full precision. sig6 and interval_band are macros,
    -- which repeat an argument wherever they use it, so each figure is
    -- worked out once here and rounded once below, not inside them: that
    -- halves the time this query takes.
    SELECT s.*,
           interval_lower(s.kind, s.x, s.n, s.events, s.multiplier, $z95, e.lower95) AS lower95,
           interval_upper(s.kind, s.x, s.n, s.events, s.multiplier, $z95, e.upper95) AS upper95,
           interval_lower(s.kind, s.x, s.n, s.events, s.multiplier, $z998, e.lower998) AS lower998,
           interval_upper(s.kind, s.x, s.n, s.events, s.multiplier, $z998, e.upper998) AS upper998
    FROM scored s
    LEFT JOIN poisson_exact e ON e.events = s.events
),
published AS (
    -- The intervals and benchmarks as published (sig6), which the bands
    -- compare.
    SELECT *,
           sig6(lower95) AS ci95_lower, sig6(upper95) AS ci95_upper,
           sig6(lower998) AS ci998_lower, sig6(upper998) AS ci998_upper,
           sig6(national_value) AS national_published,
           sig6(region_value) AS region_published,
           sig6(type_value) AS type_published,
           sig6(similar_value) AS similar_published
    FROM limits
),
banded AS (
    SELECT *,
           CASE WHEN bandable THEN interval_band(ci998_lower, ci998_upper, national_published, polarity)
                ELSE 'not_compared' END AS band_national
    FROM published
)
SELECT
    metric, period, council_code, provider_id, provider_name, service,
    CASE WHEN value_given IS NULL THEN sig6(value) ELSE value END AS value,
    numerator, denominator, status,
    ci95_lower, ci95_upper, ci998_lower, ci998_upper,
    national_published AS national_value,
    sig6(median) AS national_median,
    sig6(q1) AS national_q1,
    sig6(q3) AS national_q3,
    national_n,
    sig6(percentile_rank) AS percentile_rank,
    quintile::BIGINT AS quintile,
    sig6(z_national) AS z_score,
    sig6(robust_z) AS robust_z,
    band_national,
    CASE WHEN bandable THEN interval_band(ci95_lower, ci95_upper, national_published, polarity)
         ELSE 'not_compared' END AS band_national_95,
    CASE WHEN band_national IN ('similar', 'not_compared') THEN band_national
         ELSE band(z_adjusted, $z998, polarity) END AS band_national_adjusted,
    region_published AS region_value,
    CASE WHEN bandable THEN interval_band(ci998_lower, ci998_upper, region_published, polarity)
         ELSE 'not_compared' END AS band_region,
    type_published AS council_type_value,
    CASE WHEN bandable THEN interval_band(ci998_lower, ci998_upper, type_published, polarity)
         ELSE 'not_compared' END AS band_council_type,
    similar_published AS similar_value,
    similar_rank::BIGINT AS similar_rank,
    similar_n::BIGINT AS similar_n,
    CASE WHEN bandable THEN interval_band(ci998_lower, ci998_upper, similar_published, polarity)
         ELSE 'not_compared' END AS band_similar,
    -- 89.7 - 90.6 is -0.8999999999999915 in binary floating point; to six
    -- significant figures it reads as the figures do (-0.9).
    sig6(value - prev_value) AS change_prev,
    band(z_prev, $z998, polarity) AS change_prev_band,
    sig6(value - year_value) AS change_year,
    band(z_year, $z998, polarity) AS change_year_band,
    CASE WHEN z_trend > $z998 THEN 'increasing'
         WHEN z_trend < -$z998 THEN 'decreasing'
         WHEN z_trend IS NOT NULL THEN 'no_significant_change'
         ELSE 'not_compared' END AS trend,
    CASE WHEN z_trend IS NULL OR abs(z_trend) <= $z998
              OR polarity NOT IN ('higher_is_better', 'lower_is_better') THEN 'none'
         ELSE band_of(sign(z_trend), polarity) END AS trend_direction
FROM banded
ORDER BY metric, period, council_code, provider_id, service
