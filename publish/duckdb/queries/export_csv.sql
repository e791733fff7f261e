-- Writes a table (from the allow-list in export.go), in stored order, to a CSV file, with
-- timestamps in ISO 8601 UTC (2026-11-22T06:48:23.282345Z).
COPY (SELECT * FROM query_table($table)) TO $path (FORMAT csv, HEADER true, TIMESTAMPFORMAT '%Y-%m-%dT%H:%M:%S.%fZ')
