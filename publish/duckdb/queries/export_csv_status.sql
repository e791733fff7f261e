-- Writes a table with a status column to CSV, the marker bracketed ([c]).
COPY (
    SELECT * REPLACE (CASE WHEN status = '' THEN '' ELSE '[' || status || ']' END AS status)
    FROM query_table($table)
    ORDER BY ALL
) TO $path (FORMAT csv, HEADER true, TIMESTAMPFORMAT '%Y-%m-%dT%H:%M:%S.%fZ')
