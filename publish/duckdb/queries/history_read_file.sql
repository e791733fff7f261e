-- Reads the disclosure history of earlier release $release ($file: its
-- data/disclosure-history.parquet, history_output.sql, in either format),
-- its own rows (release '') named after it. carrier marks the release
-- that carries the file, and carrier_sha256 is the SHA-256 of its
-- release.json ($sha, '' where it has none), which the file cannot hold
-- since release.json is written after it.
CREATE OR REPLACE TEMP TABLE history_file AS
SELECT * REPLACE (CASE WHEN release = '' THEN $release::VARCHAR ELSE release END AS release),
       release = '' AS carrier, $sha::VARCHAR AS carrier_sha256
FROM read_parquet($file::VARCHAR)
