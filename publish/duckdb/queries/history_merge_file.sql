-- Adds the disclosure history read by history_read_file.sql to the
-- history tables, each figure, cell, group and set of groups once. The
-- file is in the format history_output.sql writes; history_merge_file_v1.sql
-- reads the format before it.
INSERT INTO history_releases
SELECT release, CASE WHEN carrier THEN carrier_sha256 ELSE coalesce(release_sha256, '') END, sig_set
FROM history_file WHERE part = 'release'
EXCEPT SELECT * FROM history_releases;
INSERT INTO history_shown
SELECT council_code, provider_id, service, metric, period, numerator, denominator, value
FROM history_file WHERE part = 'shown'
EXCEPT SELECT * FROM history_shown;
INSERT INTO history_hidden
SELECT council_code, provider_id, service, metric, period FROM history_file WHERE part = 'hidden'
EXCEPT SELECT * FROM history_hidden;
INSERT INTO history_members
SELECT sig, link, council_code, group_provider, service, metric, group_period, provider_id, period,
       is_total, hidden, x, n
FROM history_file
WHERE part = 'member' AND sig NOT IN (SELECT sig FROM history_members);
INSERT INTO history_sets
SELECT sig_set, sig FROM history_file WHERE part = 'set'
EXCEPT SELECT * FROM history_sets;
DROP TABLE history_file
