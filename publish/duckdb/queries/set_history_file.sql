-- The disclosure history history_read_file.sql and
-- history_merge_parts.sql read: $file, an earlier release's
-- data/disclosure-history.parquet. A variable, since the merge's
-- statements, run as one, cannot each take a parameter.
SET VARIABLE history_file = $file::VARCHAR
