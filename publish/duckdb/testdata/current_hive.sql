-- One period's rows of warehouse/current read as an outside reader would,
-- as a Hive table partitioned by period. $glob: the snapshots; $period:
-- the period.
SELECT council_code, period, service, provider_id, submission_id, coalesce(value, -1)
FROM read_parquet($glob, hive_partitioning = true)
WHERE period = $period
ORDER BY ALL
