-- Writes the providers table to CSV with councils and services as their
-- items joined by semicolons, the form a release's CSV files use, rather
-- than DuckDB's [a, b]. The columns stay the table's, in order.
COPY (
    SELECT * REPLACE (array_to_string(councils, ';') AS councils, array_to_string(services, ';') AS services)
    FROM providers
    ORDER BY provider_id
) TO $path (FORMAT csv, HEADER true)
