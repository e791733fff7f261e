-- The cumulative disclosure history a release carries
-- (data/disclosure-history.parquet): what the earlier releases published
-- (the history tables, history_none.sql) and what this one publishes
-- (derived_*, from history_current.sql), each figure, cell, group and set
-- of groups once. Release '' is the release that carries the file. One
-- row per item; part says which:
--
--   release  a release the file covers: release, the SHA-256 of its
--            release.json (release_sha256; NULL for the release that
--            carries the file, whose release.json is written after it,
--            '' where not known), and sig_set, the set of linked groups
--            it published with a hidden member (NULL for none)
--   set      a group (sig) of the set sig_set
--   shown    a figure published: the cell's key, numerator, denominator
--            and value as published
--   hidden   a cell withheld ([c]): its key
--   member   a member of a linked group published with a hidden member:
--            sig, the group (link, council_code, group_provider, service,
--            metric, group_period), the member (provider_id, period,
--            is_total, hidden) and its published counts x and n
--
-- Releases that published the very same groups share one set, written
-- once, so a release republishing unchanged figures adds one row (its
-- own) and nothing more. The first format, before sets, listed each
-- release's groups in a part 'appears' (history_merge_file_v1.sql).
CREATE OR REPLACE TABLE disclosure_history AS
WITH releases AS (
    SELECT release, release_sha256, sig_set FROM history_releases
    UNION
    SELECT d.release, CASE WHEN d.release = '' THEN NULL ELSE '' END, s.sig_set
    FROM derived_releases d
    LEFT JOIN derived_sets s USING (release)
    UNION
    -- The release itself, even one that publishes nothing.
    SELECT '', NULL, (SELECT sig_set FROM derived_sets WHERE release = '')
),
sets AS (
    SELECT sig_set, sig FROM history_sets UNION SELECT sig_set, sig FROM derived_set_sigs
),
shown AS (
    SELECT * FROM history_shown UNION SELECT * FROM derived_shown
),
hidden AS (
    SELECT * FROM history_hidden UNION SELECT * FROM derived_hidden
),
members AS (
    SELECT * FROM history_members
    UNION
    SELECT sig, link, council_code, group_provider, service, metric, group_period, provider_id, period,
           is_total, hidden, x, n
    FROM derived_members
)
SELECT part, release, release_sha256, sig_set, sig, link, council_code, group_provider, service, metric,
       group_period, provider_id, period, is_total, hidden, numerator, denominator, value, x, n
FROM (
    SELECT 'release' AS part, release, release_sha256, sig_set, NULL::VARCHAR AS sig, NULL::VARCHAR AS link,
           NULL::VARCHAR AS council_code, NULL::VARCHAR AS group_provider, NULL::VARCHAR AS service,
           NULL::VARCHAR AS metric, NULL::VARCHAR AS group_period, NULL::VARCHAR AS provider_id,
           NULL::VARCHAR AS period, NULL::BOOLEAN AS is_total, NULL::BOOLEAN AS hidden, NULL::BIGINT AS numerator,
           NULL::BIGINT AS denominator, NULL::DOUBLE AS value, NULL::DOUBLE AS x, NULL::DOUBLE AS n
    FROM releases
    UNION ALL
    SELECT 'set', NULL, NULL, sig_set, sig, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
           NULL, NULL, NULL, NULL, NULL, NULL, NULL
    FROM sets
    UNION ALL
    SELECT 'shown', NULL, NULL, NULL, NULL, NULL, council_code, NULL, service, metric, NULL, provider_id, period,
           NULL, false, numerator, denominator, value, NULL, NULL
    FROM shown
    UNION ALL
    SELECT 'hidden', NULL, NULL, NULL, NULL, NULL, council_code, NULL, service, metric, NULL, provider_id, period,
           NULL, true, NULL, NULL, NULL, NULL, NULL
    FROM hidden
    UNION ALL
    SELECT 'member', NULL, NULL, NULL, sig, link, council_code, group_provider, service, metric, group_period,
           provider_id, period, is_total, hidden, NULL, NULL, NULL, x, n
    FROM members
)
-- Every column that tells two rows apart, so the file's bytes depend only
-- on what it holds (a cell published with two figures gives two rows).
ORDER BY part DESC, release, release_sha256, sig_set, sig, council_code, service, metric, provider_id, period,
         is_total, numerator, denominator, value, x, n
