-- Reads the disclosure history of earlier release $release ($file: its
-- data/disclosure-history.parquet, history_output.sql), its own rows
-- (release '') named after it.
CREATE OR REPLACE TEMP TABLE history_file AS
SELECT * REPLACE (CASE WHEN release = '' THEN $release::VARCHAR ELSE release END AS release)
FROM read_parquet($file::VARCHAR)
