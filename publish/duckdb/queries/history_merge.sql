-- Adds what history_derive.sql derived from earlier releases read
-- directly to the history tables, each figure, cell and group once.
INSERT INTO history_releases
SELECT release FROM derived_releases EXCEPT SELECT release FROM history_releases;
INSERT INTO history_shown
SELECT * FROM derived_shown EXCEPT SELECT * FROM history_shown;
INSERT INTO history_hidden
SELECT * FROM derived_hidden EXCEPT SELECT * FROM history_hidden;
INSERT INTO history_members
SELECT DISTINCT sig, link, council_code, group_provider, service, metric, group_period, provider_id, period,
       is_total, hidden, x, n
FROM derived_members
WHERE sig NOT IN (SELECT sig FROM history_members);
INSERT INTO history_appears
SELECT DISTINCT release, sig FROM derived_members EXCEPT SELECT release, sig FROM history_appears
