-- How many rows to compare each metric has, in metric order, from which
-- Build makes the batches of metrics comparisons.sql compares at a time.
SELECT metric, count(*) AS rows
FROM comparison_rows
GROUP BY metric
ORDER BY metric
