-- One round of secondary suppression over disclosure_links. In every group
-- that adds up exactly (not inexact) with exactly one hidden member
-- ([c]), and in every group holding a cell named in $protect (cells the
-- audits in disclosure.go found the published totals pin down or hold too
-- narrowly), the member first in pick_order among those still shown and
-- never published before becomes [c], with its value, counts and note
-- removed; failing that, the total, if an earlier release published it
-- with other figures. A member an earlier release published with the
-- counts it has now (known) is not counted as hidden, and never hidden. A
-- part published before with other figures (shown_before) is never
-- hidden either, since the figure already out would stand in for it (a
-- part revised from 11 to 12 falls, hidden beside a small 3, would leave
-- the total less 11 and the parts shown: 4). A total whose figure has
-- changed is the last resort: it changed with its parts, so the old one
-- stands in for nothing hidden now. Build
-- repeats the round until it hides nothing, since hiding a cell can leave
-- another group with a single hidden member. $protect names cells as
-- council_code, provider_id, service, metric and period joined by chr(31).
UPDATE observations o
SET status = 'c', value = NULL, numerator = NULL, denominator = NULL, note = ''
FROM (
    WITH state AS (
        SELECT l.*, s.status = 'c' AND NOT l.known AS hidden, s.status = 'c' AS withheld,
               concat_ws(chr(31), l.council_code, l.provider_id, l.service, l.metric, l.period)
                   IN (SELECT unnest($protect::VARCHAR[])) AS protect
        FROM disclosure_links l
        JOIN observations s USING (council_code, provider_id, service, metric, period)
    ),
    exposed AS (
        SELECT link, council_code, group_provider, service, metric, group_period
        FROM state
        GROUP BY link, council_code, group_provider, service, metric, group_period
        HAVING (count(*) FILTER (WHERE hidden) = 1 AND NOT bool_or(inexact)) OR bool_or(protect)
    )
    SELECT DISTINCT council_code, provider_id, service, metric, period
    FROM (
        SELECT state.*
        FROM state JOIN exposed USING (link, council_code, group_provider, service, metric, group_period)
        WHERE NOT withheld AND (NOT shown_before OR (is_total AND NOT known))
        QUALIFY row_number() OVER (
            PARTITION BY link, council_code, group_provider, service, metric, group_period
            ORDER BY shown_before, pick_order) = 1
    )
) pick
WHERE o.council_code = pick.council_code AND o.provider_id = pick.provider_id
  AND o.service = pick.service AND o.metric = pick.metric AND o.period = pick.period
