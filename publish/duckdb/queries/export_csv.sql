-- Writes a table (from the allow-list in export.go), in stored order, to a CSV file, with
-- timestamps in ISO 8601 UTC (2026-11-22T06:48:23.282345Z). Every CSV export writes straight
-- to the temporary file it is given (USE_TMP_FILE false), not to another renamed over it:
-- exportGzip reads that file as DuckDB appends to it.
COPY (SELECT * FROM query_table($table)) TO $path (FORMAT csv, HEADER true, USE_TMP_FILE false, TIMESTAMPFORMAT '%Y-%m-%dT%H:%M:%S.%fZ')
