-- Reads the warehouse files of accepted submissions and keeps, for each
-- (council_code, period, service), only the rows of the latest submission:
-- the greatest received_at, ties broken by the greater submission_id.
-- $files: the Parquet files; $accepted: the accepted submission ids (a file
-- whose rows claim another submission is ignored row by row).
INSERT INTO observations
WITH raw AS (
    SELECT council_code, coalesce(provider_id, '') AS provider_id, provider_name,
           coalesce(provider_sector, '') AS provider_sector, service, metric, period,
           numerator, denominator, value, coalesce(note, '') AS note, period_start, period_end,
           coalesce(status, '') AS status, submission_id, source_line, received_at
    FROM read_parquet($files::VARCHAR[], hive_partitioning = false, union_by_name = true)
    WHERE submission_id IN (SELECT unnest($accepted::VARCHAR[]))
),
latest AS (
    SELECT council_code, period, service, submission_id
    FROM (SELECT DISTINCT council_code, period, service, submission_id, received_at FROM raw)
    QUALIFY row_number() OVER (
        PARTITION BY council_code, period, service
        ORDER BY received_at DESC, submission_id DESC) = 1
)
SELECT raw.*
FROM raw JOIN latest USING (council_code, period, service, submission_id)
ORDER BY metric, period, council_code, service, provider_id
