-- Chooses one period's current rows and writes them as that period's
-- snapshot (warehouse/current/period=<p>/current.parquet): for each
-- (council_code, period, service), only the rows of the latest submission,
-- the greatest received_at, ties broken by the greater submission_id.
-- $files: the period's warehouse files of the submissions chosen from, and
-- perhaps the period's old snapshot, which holds for each key the rows of
-- the latest submission it covers, so the latest of it and newer files is
-- the latest of all; $accepted: the submissions chosen from (a row claiming
-- another is ignored); $path: where to write; $covers: the JSON the file's
-- key-value metadata yardstick.covers records. Rows are sorted for the
-- filters readers use most (a metric, then a council).
-- Publish writes $path under a temporary name it made itself and renames
-- it, so DuckDB writes it in place (USE_TMP_FILE false).
COPY (
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
    ORDER BY metric, council_code, service, provider_id
) TO $path (FORMAT parquet, KV_METADATA {'yardstick.covers': $covers}, USE_TMP_FILE false)
