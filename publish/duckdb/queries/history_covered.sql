-- The releases a disclosure history file ($file, the format
-- history_output.sql writes) covers, each with the SHA-256 of its
-- release.json ('' where not known); release '' is the one that carries
-- it. An entry without a hash is left out where the file also records
-- the same release with its hash: a history of the first format recorded
-- no hashes, and the upgrade keeps its entries beside the hashed ones the
-- releases' own histories give; taken as covered, such an entry would
-- stand for any release of that id without a release.json, one linked in
-- from another folder among them, which would then not be read. Leaving
-- it out can only make a publish read more.
WITH r AS (
    SELECT release, coalesce(release_sha256, '') AS sha256 FROM read_parquet($file::VARCHAR) WHERE part = 'release'
)
SELECT release, sha256 FROM r
WHERE sha256 <> '' OR release = '' OR release NOT IN (SELECT release FROM r WHERE sha256 <> '')
ORDER BY ALL
