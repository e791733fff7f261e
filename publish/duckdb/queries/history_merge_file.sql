-- Adds the disclosure history read by history_read_file.sql to the
-- history tables, each figure, cell and group once.
INSERT INTO history_releases
SELECT release FROM history_file WHERE part = 'release' EXCEPT SELECT release FROM history_releases;
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
INSERT INTO history_appears
SELECT release, sig FROM history_file WHERE part = 'appears' EXCEPT SELECT release, sig FROM history_appears;
DROP TABLE history_file
