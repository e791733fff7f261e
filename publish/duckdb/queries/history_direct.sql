-- The SHA-256 of the release.json of each earlier release read directly
-- ($releases, $shas: parallel lists, '' where it has none), which
-- history_merge.sql records beside its id so that a later publish tells it
-- from a release of another data folder with the same name.
CREATE OR REPLACE TEMP TABLE history_direct AS
SELECT unnest($releases::VARCHAR[]) AS release, unnest($shas::VARCHAR[]) AS release_sha256
