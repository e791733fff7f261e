-- Writes the metrics table to CSV with services as its items joined by
-- semicolons, the form a release's CSV files use, rather than DuckDB's
-- [a, b]. The columns stay the table's, in order.
COPY (
    SELECT * REPLACE (array_to_string(services, ';') AS services)
    FROM metrics
    ORDER BY id
) TO $path (FORMAT csv, HEADER true)
