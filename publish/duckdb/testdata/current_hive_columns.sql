-- The columns of warehouse/current read as a Hive table. $glob: the
-- snapshots.
SELECT column_name
FROM (DESCRIBE SELECT * FROM read_parquet($glob, hive_partitioning = true))
