-- The periods with observations, earliest first; a year sorts before the
-- quarters and months that start with it.
SELECT period, kind, period_start, period_end, previous, year_earlier
FROM period_links
ORDER BY period_start, period_end DESC, period
