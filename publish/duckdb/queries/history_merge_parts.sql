-- Adds the figures, cells and linked groups of the disclosure history
-- read by history_read_file.sql to the history tables, each once, after
-- history_merge_file.sql or history_merge_file_v1.sql has added its
-- releases and sets (the two formats differ only there), and lets the
-- file go.
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
DROP TABLE history_file
