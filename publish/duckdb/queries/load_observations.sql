-- Reads the rows of the metrics $first to $last (in text order) from the
-- snapshots of each period's current rows (current_choose.sql chose them)
-- into observations, stored sorted by the key the release stores them
-- in: DuckDB keeps the order of a query's ORDER BY even with
-- preserve_insertion_order off, and loadRows loads the batches in metric
-- order. Nothing after the last batch inserts or deletes a row, so the
-- table stays in that order, and write_release.sql copies it without sorting it again
-- (TestBuildStoresKeyOrder). The snapshots are sorted by metric, so the
-- filter skips the row groups of other metrics by their min and max.
-- $files: the snapshots; $first and $last: the batch's first and last
-- metrics.
INSERT INTO observations
SELECT council_code, provider_id, provider_name, provider_sector, service, metric, period,
       numerator, denominator, value, note, period_start, period_end,
       status, submission_id, source_line, received_at
FROM read_parquet($files::VARCHAR[], hive_partitioning = false, union_by_name = true)
WHERE metric BETWEEN $first AND $last
ORDER BY metric, period, council_code, provider_id, service
