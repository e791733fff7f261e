-- Writes a table (from the allow-list in export.go) to a CSV file.
COPY (SELECT * FROM query_table($table) ORDER BY ALL) TO $path (FORMAT csv, HEADER true)
