-- derived_sets gives each release of derived_members the set of groups it
-- published with a hidden member (sig_set, the MD5 of its sigs in order;
-- no row for a release that published none), and derived_set_sigs the
-- sigs of each set: releases that published the very same groups share
-- one set, kept once, so the history does not grow with releases that
-- repeat them.
CREATE OR REPLACE TEMP TABLE derived_sets AS
SELECT release, md5(string_agg(sig, ',' ORDER BY sig)) AS sig_set
FROM (SELECT DISTINCT release, sig FROM derived_members)
GROUP BY release;
CREATE OR REPLACE TEMP TABLE derived_set_sigs AS
SELECT DISTINCT s.sig_set, m.sig
FROM derived_sets s
JOIN (SELECT DISTINCT release, sig FROM derived_members) m USING (release)
