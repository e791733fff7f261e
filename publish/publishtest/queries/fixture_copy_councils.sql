-- Test fixture: writes one submission's rows for one period and several
-- councils as one warehouse Parquet file, the way ingest does: sorted by
-- council (each council's rows in the order of the return), in row groups
-- of at most 4,096 rows, so that a reader looking for one council skips
-- the row groups whose council_code bounds leave it out.
COPY (
    SELECT * FROM fixture
    WHERE submission_id = $id AND period = $period
    ORDER BY council_code, source_line
) TO $path (FORMAT parquet, ROW_GROUP_SIZE 4096)
