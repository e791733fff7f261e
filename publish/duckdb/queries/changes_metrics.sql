-- How many rows each metric has in observations and in the previous
-- release's data/observations.parquet ($previous) together, in metric
-- order, from which changes makes the batches of metrics
-- fill_changes.sql compares at a time: every metric of either side is in
-- one batch. It reads one column of each.
SELECT metric, count(*) AS rows
FROM (
    SELECT metric FROM observations
    UNION ALL
    SELECT metric FROM read_parquet($previous)
)
GROUP BY metric
ORDER BY metric
