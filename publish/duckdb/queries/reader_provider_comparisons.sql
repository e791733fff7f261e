-- The first $limit comparison rows of provider $id, in observation-key
-- order, among those from metric $first_metric up to ($last_metric,
-- $last_period) in (metric, period) order; $last_metric '' sets no upper
-- bound. Reader.Provider chooses the bounds so that they hold the page
-- (from the provider's profile) and checks that they did. $period_cap is
-- $last_period when both bounds are one metric, else '': the same bound
-- written so that DuckDB can skip row groups by period too.
--
-- The comparisons table is stored in observation-key order, metric first,
-- so the metric bounds let DuckDB skip, by their min/max statistics, the
-- row groups of every other metric: without them a provider's first page
-- reads every row group of the table, its rows being spread through all
-- of them, and its cost grows with the release rather than the page.
SELECT c.metric, c.period, c.council_code, c.provider_id, c.provider_name, c.service,
       c.value, c.numerator, c.denominator, c.status,
       c.ci95_lower, c.ci95_upper, c.ci998_lower, c.ci998_upper,
       c.national_value, c.national_median, c.national_q1, c.national_q3, c.national_n,
       c.percentile_rank, c.quintile, c.z_score, c.robust_z,
       c.band_national, c.band_national_95, c.band_national_adjusted,
       c.region_value, c.band_region, c.council_type_value, c.band_council_type,
       c.similar_value, c.similar_rank, c.similar_n, c.band_similar,
       c.change_prev, c.change_prev_band, c.change_year, c.change_year_band,
       c.trend, c.trend_direction
FROM comparisons c
WHERE c.provider_id = $id
  AND c.metric >= $first_metric
  AND ($last_metric = '' OR c.metric <= $last_metric)
  AND ($last_metric = '' OR c.metric < $last_metric OR c.period <= $last_period)
  AND ($period_cap = '' OR c.period <= $period_cap)
ORDER BY c.metric, c.period, c.council_code, c.provider_id, c.service
LIMIT $limit
