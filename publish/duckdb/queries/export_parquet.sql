-- Writes a table (from the allow-list in export.go) to a Parquet file.
COPY (SELECT * FROM query_table($table) ORDER BY ALL) TO $path (FORMAT parquet, COMPRESSION zstd)
