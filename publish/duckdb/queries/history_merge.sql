-- Adds what history_derive.sql derived from earlier releases read
-- directly to the history tables, each figure, cell, group and set of
-- groups once; history_direct.sql gives each release's SHA-256.
INSERT INTO history_releases
SELECT d.release, coalesce(h.release_sha256, ''), s.sig_set
FROM derived_releases d
LEFT JOIN derived_sets s USING (release)
LEFT JOIN history_direct h USING (release)
EXCEPT SELECT * FROM history_releases;
INSERT INTO history_shown
SELECT * FROM derived_shown EXCEPT SELECT * FROM history_shown;
INSERT INTO history_hidden
SELECT * FROM derived_hidden EXCEPT SELECT * FROM history_hidden;
INSERT INTO history_members
SELECT DISTINCT sig, link, council_code, group_provider, service, metric, group_period, provider_id, period,
       is_total, hidden, x, n
FROM derived_members
WHERE sig NOT IN (SELECT sig FROM history_members);
INSERT INTO history_sets
SELECT * FROM derived_set_sigs EXCEPT SELECT * FROM history_sets
