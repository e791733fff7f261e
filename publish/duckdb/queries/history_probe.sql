-- Reads one earlier release's data/observations.parquet ($file) in full,
-- to name the release history_load.sql could not read.
SELECT count(*) FROM read_parquet($file::VARCHAR)
