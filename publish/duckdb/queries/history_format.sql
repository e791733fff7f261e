-- Whether a disclosure history file ($file) is in the format
-- history_output.sql writes, which alone has the column sig_set; a file
-- without it is in the first format (history_merge_file_v1.sql).
SELECT count(*) > 0 FROM parquet_schema($file::VARCHAR) WHERE name = 'sig_set'
