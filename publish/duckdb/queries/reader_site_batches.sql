-- The metric periods of the comparisons table, in the order
-- reader_site_comparisons.sql reads them in metric order, with how many
-- rows each has, from which reader_site.go makes its batches.
SELECT metric, period, count(*) AS n
FROM comparisons
GROUP BY ALL
ORDER BY metric, period
