-- Writes a table with a status column to CSV, in stored order, the marker bracketed ([c]).
COPY (
    SELECT * REPLACE (CASE WHEN status = '' THEN '' ELSE '[' || status || ']' END AS status)
    FROM query_table($table)
) TO $path (FORMAT csv, HEADER true, TIMESTAMPFORMAT '%Y-%m-%dT%H:%M:%S.%fZ')
