-- Test: every row of a Parquet file ($table, its path) as text.
SELECT CAST(COLUMNS(*) AS VARCHAR) FROM read_parquet($table)
