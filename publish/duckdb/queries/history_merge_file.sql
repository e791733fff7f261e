-- Adds the releases and sets of groups of the disclosure history read by
-- history_read_file.sql to the history tables, each once; the file is in
-- the format history_output.sql writes (history_merge_file_v1.sql reads
-- the format before it). history_merge_parts.sql then adds its figures,
-- cells and groups, which both formats hold alike.
INSERT INTO history_releases
SELECT release, CASE WHEN carrier THEN carrier_sha256 ELSE coalesce(release_sha256, '') END, sig_set
FROM history_file WHERE part = 'release'
EXCEPT SELECT * FROM history_releases;
INSERT INTO history_sets
SELECT sig_set, sig FROM history_file WHERE part = 'set'
EXCEPT SELECT * FROM history_sets;
