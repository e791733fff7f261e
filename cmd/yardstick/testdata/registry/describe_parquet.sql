-- The name and type of each column of a Parquet file ($path), as DuckDB,
-- an independent reader, sees them.
SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet($path, hive_partitioning = false))
