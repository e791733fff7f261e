-- Test: the status of each row of a release's Parquet file.
SELECT council_code, provider_id, status FROM read_parquet($path)
