-- Writes a table (from the allow-list in export.go), in stored order, to a Parquet file.
COPY (SELECT * FROM query_table($table)) TO $path (FORMAT parquet, COMPRESSION zstd)
