-- Writes a table (from the allow-list in export.go), in stored order, to a Parquet file.
-- The big tables are stored sorted by metric and period first
-- (write_release.sql), and row groups of 16,384 rows, not DuckDB's
-- 122,880, keep the rows of one metric and period in one or two of them:
-- a reader filtering on metric and period skips the rest by their
-- min/max statistics.
COPY (SELECT * FROM query_table($table)) TO $path (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 16384)
