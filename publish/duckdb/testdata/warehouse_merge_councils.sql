-- Merges one submission's layout 1 files of a period ($old) into one layout
-- 2 file of several councils at $path, sorted by council in row groups of
-- 4,096 rows, as ingest writes one.
COPY (FROM read_parquet($old::VARCHAR[]) ORDER BY council_code, service, metric, provider_id)
TO $path (FORMAT parquet, ROW_GROUP_SIZE 4096)
