-- Adds a disclosure history in the first format (written before
-- histories held sets of groups; no sig_set column), read by
-- history_read_file.sql: its releases and sets of groups, to the history
-- tables (history_merge_parts.sql adds the rest). That format lists in
-- part 'appears' each release and group (release, sig) it published; the
-- groups of each release become its set (sig_set, the MD5 of its sigs in
-- order, as history_derive.sql names sets), so that both formats give
-- the same tables. It recorded no SHA-256 of any release.json: only the
-- carrier's is known ('' for the others).
CREATE OR REPLACE TEMP TABLE history_file_sets AS
SELECT release, md5(string_agg(sig, ',' ORDER BY sig)) AS sig_set
FROM (SELECT DISTINCT release, sig FROM history_file WHERE part = 'appears')
GROUP BY release;
INSERT INTO history_releases
SELECT r.release, CASE WHEN r.carrier THEN r.carrier_sha256 ELSE '' END, s.sig_set
FROM history_file r
LEFT JOIN history_file_sets s USING (release)
WHERE r.part = 'release'
EXCEPT SELECT * FROM history_releases;
INSERT INTO history_sets
SELECT DISTINCT s.sig_set, a.sig
FROM history_file a
JOIN history_file_sets s USING (release)
WHERE a.part = 'appears'
EXCEPT SELECT * FROM history_sets;
DROP TABLE history_file_sets
