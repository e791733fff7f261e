-- The members of the groups suppression linked (disclosure_links) that
-- have a hidden member, for the release being built (release ''), with
-- each member's figures and status as published: the rows of
-- derived_members but its signature, which deriveLinks works out from
-- history_link_parts.sql into link_sigs (a table of the main schema, so
-- that the appender finds it). See history_derive_links.sql.
CREATE OR REPLACE TEMP TABLE link_members AS
WITH members AS (
    SELECT '' AS release, l.gid, l.link, l.council_code, l.group_provider, l.service, l.metric, l.group_period,
           l.provider_id, l.period, l.is_total, o.status = 'c' AS hidden,
           CASE WHEN o.status <> 'c' THEN coalesce(o.numerator, CASE WHEN m.kind = 'count' THEN o.value END) END::DOUBLE AS x,
           CASE WHEN o.status <> 'c' THEN o.denominator END::DOUBLE AS n
    FROM disclosure_links l
    JOIN observations o ON o.rowid = l.rid
    JOIN metrics m ON m.id = l.metric
)
SELECT * FROM members
WHERE gid IN (SELECT gid FROM members WHERE hidden);
CREATE OR REPLACE TABLE link_sigs (gid BIGINT NOT NULL, sig VARCHAR NOT NULL)
