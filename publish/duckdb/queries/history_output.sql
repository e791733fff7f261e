-- The cumulative disclosure history a release carries
-- (data/disclosure-history.parquet): what the earlier releases published
-- (the history tables, history_none.sql) and what this one publishes
-- (its observations, and derived_members and derived_sets from
-- history_derive_links.sql and history_derive_sets.sql), each figure,
-- cell, group and set of groups once. Release '' is the release that
-- carries the file. One row per item; part says which:
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
--
-- The rows are in the order of part (descending: shown, set, release,
-- member, hidden), then of every column that tells two rows of a part
-- apart, so the file's bytes depend only on what it holds (a cell
-- published with two figures gives two rows). Each part is sorted and
-- appended by a statement of its own, in that order, rather than all of
-- them by one ORDER BY over the union of the five: that sort ran out of
-- memory rather than spill while the hash tables that make each part's
-- rows distinct were held beside it (at 20 million rows under a 3 GB
-- limit), and sorted on sixteen columns where a part needs at most eight.
-- The table keeps the order its rows were appended in.
--
-- The shown and hidden parts are this release's rows and those of the
-- history (history_shown, history_hidden) that are not among them. Each
-- side is a set already: a release holds a cell once (ingest refuses a
-- second row of a key in a return, and current_choose.sql takes one
-- return of each council, period and service), and EXCEPT returns
-- distinct rows. So only the history's rows are compared with the
-- release's, where DISTINCT over both hashed every row of the two: in a
-- first publish this statement took 8.0 s rather than 11.0 s at 5 million
-- rows, the same bytes written; beside a history of the same cells, about
-- the same (BENCHMARKS.md, "The history's own rows"). The release's rows
-- are a CTE read twice, NOT MATERIALIZED: materialized, DuckDB stored a
-- copy of them first, which was slower.
CREATE OR REPLACE TABLE disclosure_history AS
SELECT 'shown' AS part, NULL::VARCHAR AS release, NULL::VARCHAR AS release_sha256, NULL::VARCHAR AS sig_set,
       NULL::VARCHAR AS sig, NULL::VARCHAR AS link, council_code, NULL::VARCHAR AS group_provider, service, metric,
       NULL::VARCHAR AS group_period, provider_id, period, NULL::BOOLEAN AS is_total, false AS hidden, numerator,
       denominator, value, NULL::DOUBLE AS x, NULL::DOUBLE AS n
FROM (
    WITH release AS NOT MATERIALIZED (
        SELECT council_code, coalesce(provider_id, '') AS provider_id, service, metric, period, numerator,
               denominator, value
        FROM observations
        WHERE coalesce(status, '') <> 'c'
    )
    SELECT * FROM release
    UNION ALL
    (SELECT * FROM history_shown EXCEPT SELECT * FROM release)
)
ORDER BY council_code, service, metric, provider_id, period, numerator, denominator, value;
INSERT INTO disclosure_history
SELECT 'set', NULL, NULL, sig_set, sig, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       NULL, NULL, NULL
FROM (SELECT sig_set, sig FROM history_sets UNION SELECT sig_set, sig FROM derived_set_sigs)
ORDER BY sig_set, sig;
-- The release itself has a row even when it publishes nothing.
INSERT INTO disclosure_history
SELECT 'release', release, release_sha256, sig_set, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       NULL, NULL, NULL, NULL, NULL, NULL
FROM (
    SELECT release, release_sha256, sig_set FROM history_releases
    UNION
    SELECT '', NULL, (SELECT sig_set FROM derived_sets WHERE release = '')
)
ORDER BY release, release_sha256, sig_set;
-- A group's sig is the MD5 of its description (link, council_code,
-- group_provider, service, metric, group_period) and of every member's
-- provider_id, period, is_total, hidden, x and n (history_link_parts.sql),
-- so a sig the history has stands for the very rows this release's group
-- of that sig would add (history_merge.sql relies on the same): the
-- release's groups are added where the history lacks their sig, an
-- anti-join on one column, rather than every member of both made
-- distinct on thirteen (at 20 million rows, with the history of a
-- release of the same groups, 11.6 s against 20.9 s for 6,802,376
-- members; BENCHMARKS.md, "Withheld cells updated by rowid, linked
-- groups added by signature"). Each side holds a group's members once:
-- derived_members one row a member of each group of this release, and
-- history_members each sig's rows once, as this statement wrote them
-- (history_distinct.sql where more than one history is read). Within a
-- sig, council_code, service and metric are the group's own, and a
-- member is one provider and period (a total and its parts differ in
-- one or the other), so sig, provider_id and period tell the rows apart
-- and order them as sig, council_code, service, metric, provider_id,
-- period, is_total, x and n would.
INSERT INTO disclosure_history
SELECT 'member', NULL, NULL, NULL, sig, link, council_code, group_provider, service, metric, group_period,
       provider_id, period, is_total, hidden, NULL, NULL, NULL, x, n
FROM (
    SELECT * FROM history_members
    UNION ALL
    SELECT sig, link, council_code, group_provider, service, metric, group_period, provider_id, period,
           is_total, hidden, x, n
    FROM derived_members d
    WHERE NOT EXISTS (SELECT 1 FROM history_members h WHERE h.sig = d.sig)
)
ORDER BY sig, provider_id, period;
INSERT INTO disclosure_history
SELECT 'hidden', NULL, NULL, NULL, NULL, NULL, council_code, NULL, service, metric, NULL, provider_id, period,
       NULL, true, NULL, NULL, NULL, NULL, NULL
FROM (
    WITH release AS NOT MATERIALIZED (
        SELECT council_code, coalesce(provider_id, '') AS provider_id, service, metric, period
        FROM observations
        WHERE coalesce(status, '') = 'c'
    )
    SELECT * FROM release
    UNION ALL
    (SELECT * FROM history_hidden EXCEPT SELECT * FROM release)
)
ORDER BY council_code, service, metric, provider_id, period
