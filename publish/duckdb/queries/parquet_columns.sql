-- The columns of a Parquet file, for ExportParquet to check the file it
-- wrote against the registry of public tables: the names come from the
-- result's columns, with no rows read.
SELECT * FROM read_parquet($path) LIMIT 0
