-- Test fixture: writes one submission's rows for one period and council as
-- a warehouse Parquet file, the way ingest does.
COPY (
    SELECT * FROM fixture
    WHERE submission_id = $id AND period = $period AND council_code = $council
    ORDER BY source_line
) TO $path (FORMAT parquet)
