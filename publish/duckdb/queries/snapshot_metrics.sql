-- How many rows each metric has in the snapshots of the current rows, in
-- metric order, from which loadRows makes the batches of metrics
-- load_observations.sql loads at a time. It reads one column.
-- $files: the snapshots.
SELECT metric, count(*) AS rows
FROM read_parquet($files::VARCHAR[], hive_partitioning = false, union_by_name = true)
GROUP BY metric
ORDER BY metric
