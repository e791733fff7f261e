-- Reads the releases and sets of groups of the disclosure history of
-- earlier release $release (the variable history_file, set by
-- set_history_file.sql: its data/disclosure-history.parquet, written by
-- history_output.sql, in either format; in the first, the groups each
-- release published too), its own rows (release '') named after it.
-- carrier marks the release that carries the file, and carrier_sha256 is
-- the SHA-256 of its release.json ($sha, '' where it has none), which the
-- file cannot hold since release.json is written after it. Its figures,
-- cells and groups, nearly all of its rows, are not copied here:
-- history_merge_parts.sql reads them from the file.
CREATE OR REPLACE TEMP TABLE history_file AS
SELECT * REPLACE (CASE WHEN release = '' THEN $release::VARCHAR ELSE release END AS release),
       release = '' AS carrier, $sha::VARCHAR AS carrier_sha256
FROM read_parquet(getvariable('history_file'))
WHERE part NOT IN ('shown', 'hidden', 'member')
