-- One page of the comparison rows a ComparisonFilter selects, and how many
-- it selects. An empty text filter selects every row. Region and council
-- type are the council's, from the councils table; sector is the
-- provider's, from the providers table, so a council-wide row (no
-- provider) has none; band is band_national.
--
-- $sort names the column to order by; reader.go checks it against its
-- allow-list before it gets here, and the CASEs below turn the name into a
-- value, so no text is ever spliced into this query. A number sorts as a
-- number and a text as a text; blanks come last in either direction, and
-- ties, like an empty $sort, go in observation-key order, so pages never
-- overlap.
--
-- The count is joined to the page, not taken from it, so that a page past
-- the end still says how many rows there are: the result is then one row
-- with the total and NULL row columns (has_row false). The order is
-- written twice, since joining the page to the count may reorder it.
WITH selected AS (
    SELECT c.*,
           CASE $sort
               WHEN 'value' THEN c.value
               WHEN 'numerator' THEN c.numerator
               WHEN 'denominator' THEN c.denominator
               WHEN 'national_value' THEN c.national_value
               WHEN 'percentile_rank' THEN c.percentile_rank
               WHEN 'z_score' THEN c.z_score
               WHEN 'change_prev' THEN c.change_prev
               WHEN 'change_year' THEN c.change_year
           END::DOUBLE AS sort_number,
           CASE $sort
               WHEN 'metric' THEN c.metric
               WHEN 'period' THEN c.period
               WHEN 'council_code' THEN c.council_code
               WHEN 'provider_id' THEN c.provider_id
               WHEN 'provider_name' THEN c.provider_name
               WHEN 'service' THEN c.service
               WHEN 'status' THEN c.status
               WHEN 'band_national' THEN c.band_national
               WHEN 'band_national_95' THEN c.band_national_95
               WHEN 'band_national_adjusted' THEN c.band_national_adjusted
               WHEN 'band_region' THEN c.band_region
               WHEN 'band_council_type' THEN c.band_council_type
               WHEN 'band_similar' THEN c.band_similar
           END::VARCHAR AS sort_text
    FROM comparisons c
    LEFT JOIN councils k ON k.council_code = c.council_code
    LEFT JOIN providers p ON p.provider_id = c.provider_id
    WHERE ($metric = '' OR c.metric = $metric)
      AND ($period = '' OR c.period = $period)
      AND ($council = '' OR c.council_code = $council)
      AND ($provider = '' OR c.provider_id = $provider)
      AND ($service = '' OR c.service = $service)
      AND ($region = '' OR k.region = $region)
      AND ($council_type = '' OR k.council_type = $council_type)
      AND ($sector = '' OR p.sector = $sector)
      AND ($band = '' OR c.band_national = $band)
),
page AS (
    SELECT *
    FROM selected
    ORDER BY CASE WHEN $desc THEN NULL ELSE sort_number END ASC NULLS LAST,
             CASE WHEN $desc THEN sort_number END DESC NULLS LAST,
             CASE WHEN $desc THEN NULL ELSE sort_text END ASC NULLS LAST,
             CASE WHEN $desc THEN sort_text END DESC NULLS LAST,
             metric, period, council_code, provider_id, service
    LIMIT $limit OFFSET $offset
)
SELECT t.total, page.metric IS NOT NULL AS has_row,
       page.metric, page.period, page.council_code, page.provider_id, page.provider_name, page.service,
       page.value, page.numerator, page.denominator, page.status,
       page.ci95_lower, page.ci95_upper, page.ci998_lower, page.ci998_upper,
       page.national_value, page.national_median, page.national_q1, page.national_q3, page.national_n,
       page.percentile_rank, page.quintile, page.z_score, page.robust_z,
       page.band_national, page.band_national_95, page.band_national_adjusted,
       page.region_value, page.band_region, page.council_type_value, page.band_council_type,
       page.similar_value, page.similar_rank, page.similar_n, page.band_similar,
       page.change_prev, page.change_prev_band, page.change_year, page.change_year_band,
       page.trend, page.trend_direction
FROM (SELECT count(*) AS total FROM selected) t
LEFT JOIN page ON true
ORDER BY CASE WHEN $desc THEN NULL ELSE page.sort_number END ASC NULLS LAST,
         CASE WHEN $desc THEN page.sort_number END DESC NULLS LAST,
         CASE WHEN $desc THEN NULL ELSE page.sort_text END ASC NULLS LAST,
         CASE WHEN $desc THEN page.sort_text END DESC NULLS LAST,
         page.metric, page.period, page.council_code, page.provider_id, page.service
