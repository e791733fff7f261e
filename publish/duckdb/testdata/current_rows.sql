-- A snapshot's rows, as observation_keys lists the observations table.
-- $path: the snapshot.
SELECT council_code, period, service, provider_id, submission_id, coalesce(value, -1)
FROM read_parquet($path)
ORDER BY ALL
