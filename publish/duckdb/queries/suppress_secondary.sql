-- One round of secondary suppression over disclosure_links. In every group
-- that adds up exactly (not inexact) with exactly one hidden member
-- ([c]), and in every group holding a cell named in $protect (cells the
-- audits in disclosure.go found the published totals pin down or hold too
-- narrowly), the member first in pick order (disclosure_links.sql) among
-- those still shown and never published before is picked to become [c];
-- failing that, the total, if an earlier release published it with other
-- figures. A member an earlier release published with the counts it has
-- now (known) is not counted as hidden, and never hidden. A part
-- published before with other figures (shown_before) is never hidden
-- either, since the figure already out would stand in for it (a part
-- revised from 11 to 12 falls, hidden beside a small 3, would leave the
-- total less 11 and the parts shown: 4). A total whose figure has changed
-- is the last resort: it changed with its parts, so the old one stands in
-- for nothing hidden now. Build repeats the round until it hides nothing,
-- since hiding a cell can leave another group with a single hidden
-- member. $protect names cells as council_code, provider_id, service,
-- metric and period joined by chr(31).
--
-- The picks are added to suppress_steps as step $step, and
-- suppress_apply.sql hides them. A round reads only the groups a cell
-- hidden since the last round belongs to (a step at or after $since), or
-- every group when $every: a group none of whose members changed since
-- the last round, which read it in the same state, was exposed then only
-- if no member could be picked (had one been, that member changed), and
-- so picks nothing now either. The groups holding a cell of $protect,
-- which differs from round to round, are always read.
INSERT INTO suppress_steps
WITH protected AS (
    SELECT DISTINCT gid
    FROM disclosure_links
    WHERE len($protect::VARCHAR[]) > 0
      AND concat_ws(chr(31), council_code, provider_id, service, metric, period)
          IN (SELECT unnest($protect::VARCHAR[]))
),
candidates AS (
    SELECT gid FROM disclosure_links
    WHERE $every OR rid IN (SELECT rid FROM suppress_steps WHERE step >= $since)
    UNION
    SELECT gid FROM protected
),
state AS (
    -- Joined to observations on rowid: one integer, not the five columns
    -- of the key.
    SELECT l.gid, l.rid, l.is_total, l.known, l.shown_before, l.inexact,
           l.pick_class, l.pick_n, l.pick_x, l.provider_id, l.period,
           o.status = 'c' AND NOT l.known AS hidden, o.status = 'c' AS withheld
    FROM disclosure_links l
    JOIN observations o ON o.rowid = l.rid
    WHERE l.gid IN (SELECT gid FROM candidates)
),
exposed AS (
    SELECT gid
    FROM state
    GROUP BY gid
    HAVING (count(*) FILTER (WHERE hidden) = 1 AND NOT bool_or(inexact)) OR gid IN (SELECT gid FROM protected)
)
SELECT DISTINCT rid, $step::INTEGER AS step
FROM (
    SELECT state.*
    FROM state JOIN exposed USING (gid)
    WHERE NOT withheld AND (NOT shown_before OR (is_total AND NOT known))
    QUALIFY row_number() OVER (
        PARTITION BY gid
        ORDER BY shown_before, pick_class, pick_n NULLS LAST, pick_x NULLS LAST, provider_id, period) = 1
)
