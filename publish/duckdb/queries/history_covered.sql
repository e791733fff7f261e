-- The releases a disclosure history file ($file, the format
-- history_output.sql writes) covers, each with the SHA-256 of its
-- release.json ('' where not known); release '' is the one that carries
-- it.
SELECT release, coalesce(release_sha256, '') FROM read_parquet($file::VARCHAR) WHERE part = 'release' ORDER BY ALL
