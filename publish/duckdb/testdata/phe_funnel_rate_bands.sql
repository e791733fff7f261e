-- Each row of the groups TestFunnelRateLimitsAgreeWithBands compares, with
-- its bands and the funnel limits drawn at its denominator: every group's
-- rows share one denominator, so its funnel is that one point.
SELECT c.period, c.council_code, c.numerator, c.denominator, c.value, c.national_value,
       c.band_national, c.band_national_95, c.band_national_adjusted,
       f.target, f.lower95, f.upper95, f.lower998, f.upper998, f.lower998_adjusted, f.upper998_adjusted
FROM comparisons c
JOIN funnel_limits f
  ON f.metric = c.metric AND f.period = c.period AND f.service = c.service AND f.level = 'council'
 AND f.denominator = c.denominator
WHERE c.metric = $metric
ORDER BY c.period, c.council_code
