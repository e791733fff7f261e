-- Reads the snapshots of each period's current rows (current_choose.sql
-- chose them) into observations, sorted as the release stores them.
-- $files: the snapshots.
INSERT INTO observations
SELECT council_code, provider_id, provider_name, provider_sector, service, metric, period,
       numerator, denominator, value, note, period_start, period_end,
       status, submission_id, source_line, received_at
FROM read_parquet($files::VARCHAR[], hive_partitioning = false, union_by_name = true)
ORDER BY metric, period, council_code, service, provider_id
