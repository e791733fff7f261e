-- derived_members (history_derive_members.sql) for the release being
-- built alone (release ''), from the groups suppression linked
-- (disclosure_links) rather than by linking the cells again. The rows are
-- the same: history_current.sql reads every row of observations, and
-- history_derive_members.sql links them as disclosure_links.sql does (the
-- same cells, of the same kinds of metric and of the periods in
-- period_links, joined on the same keys, release '' on both sides), so a
-- group and its members are disclosure_links' own; disclosure_links
-- follows from the keys of observations, which no step after it changes,
-- and only a member's figures and status, read here from its row of
-- observations (rid), have changed since. hidden, x and n are as
-- history_current.sql and history_derive_members.sql give them: a member
-- withheld ([c]) shows neither count. TestHistoryDeriveFromLinks compares
-- the two.
CREATE OR REPLACE TEMP TABLE derived_members AS
WITH members AS (
    SELECT '' AS release, l.gid, l.link, l.council_code, l.group_provider, l.service, l.metric, l.group_period,
           l.provider_id, l.period, l.is_total, o.status = 'c' AS hidden,
           CASE WHEN o.status <> 'c' THEN coalesce(o.numerator, CASE WHEN m.kind = 'count' THEN o.value END) END::DOUBLE AS x,
           CASE WHEN o.status <> 'c' THEN o.denominator END::DOUBLE AS n
    FROM disclosure_links l
    JOIN observations o ON o.rowid = l.rid
    JOIN metrics m ON m.id = l.metric
),
hidden_groups AS (
    SELECT * FROM members
    WHERE gid IN (SELECT gid FROM members WHERE hidden)
),
sigs AS (
    SELECT gid,
           md5(concat_ws(chr(31), any_value(link), any_value(council_code), any_value(group_provider),
               any_value(service), any_value(metric), any_value(group_period),
               string_agg(concat_ws(chr(30), provider_id, period, is_total, hidden, coalesce(x::VARCHAR, '-'),
                                    coalesce(n::VARCHAR, '-')), chr(29) ORDER BY provider_id, period, is_total))) AS sig
    FROM hidden_groups
    GROUP BY gid
)
SELECT s.sig, g.release, g.link, g.council_code, g.group_provider, g.service, g.metric, g.group_period,
       g.provider_id, g.period, g.is_total, g.hidden, g.x, g.n
FROM hidden_groups g
JOIN sigs s USING (gid)
