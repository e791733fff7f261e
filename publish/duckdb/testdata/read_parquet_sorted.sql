SELECT * FROM read_parquet($path) ORDER BY ALL
