-- The cumulative disclosure history a release carries
-- (data/disclosure-history.parquet): what the earlier releases published
-- (the history tables, history_none.sql) and what this one publishes
-- (derived_*, from history_current.sql), each figure, cell and group
-- once. Release '' is the release that carries the file. One row per
-- item; part says which:
--
--   release  a release the file covers (release)
--   shown    a figure published: the cell's key, numerator, denominator
--            and value as published
--   hidden   a cell withheld ([c]): its key
--   member   a member of a linked group published with a hidden member:
--            sig, the group (link, council_code, group_provider, service,
--            metric, group_period), the member (provider_id, period,
--            is_total, hidden) and its published counts x and n
--   appears  a release (release) that published the group sig
CREATE OR REPLACE TABLE disclosure_history AS
WITH releases AS (
    SELECT release FROM history_releases UNION SELECT release FROM derived_releases UNION SELECT ''
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
),
appears AS (
    SELECT release, sig FROM history_appears UNION SELECT release, sig FROM derived_members
)
SELECT part, release, sig, link, council_code, group_provider, service, metric, group_period, provider_id, period,
       is_total, hidden, numerator, denominator, value, x, n
FROM (
    SELECT 'release' AS part, release, NULL::VARCHAR AS sig, NULL::VARCHAR AS link, NULL::VARCHAR AS council_code,
           NULL::VARCHAR AS group_provider, NULL::VARCHAR AS service, NULL::VARCHAR AS metric,
           NULL::VARCHAR AS group_period, NULL::VARCHAR AS provider_id, NULL::VARCHAR AS period,
           NULL::BOOLEAN AS is_total, NULL::BOOLEAN AS hidden, NULL::BIGINT AS numerator,
           NULL::BIGINT AS denominator, NULL::DOUBLE AS value, NULL::DOUBLE AS x, NULL::DOUBLE AS n
    FROM releases
    UNION ALL
    SELECT 'shown', NULL, NULL, NULL, council_code, NULL, service, metric, NULL, provider_id, period,
           NULL, false, numerator, denominator, value, NULL, NULL
    FROM shown
    UNION ALL
    SELECT 'hidden', NULL, NULL, NULL, council_code, NULL, service, metric, NULL, provider_id, period,
           NULL, true, NULL, NULL, NULL, NULL, NULL
    FROM hidden
    UNION ALL
    SELECT 'member', NULL, sig, link, council_code, group_provider, service, metric, group_period, provider_id,
           period, is_total, hidden, NULL, NULL, NULL, x, n
    FROM members
    UNION ALL
    SELECT 'appears', release, sig, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
           NULL, NULL, NULL, NULL, NULL, NULL, NULL
    FROM appears
)
-- Every column that tells two rows apart, so the file's bytes depend only
-- on what it holds (a cell published with two figures gives two rows).
ORDER BY part DESC, release, sig, council_code, service, metric, provider_id, period, is_total,
         numerator, denominator, value, x, n
