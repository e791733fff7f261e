-- Disclosure check: no linked group (disclosure_links) that adds up
-- exactly has exactly one hidden member, which its total minus the parts
-- shown (or, for a hidden total, the sum of the parts) would give back.
-- The violation names the hidden member. A member an earlier release
-- published with the counts it has now (known) counts as published,
-- whatever its status now. A group whose total is not the sum of its parts
-- in the councils' figures (inexact) gives a reader only a bound, which
-- the interval audit checks instead. The detail says how to get unstuck:
-- the group can only be protected by a member no release has published
-- yet, so when every other member was published before, the council has
-- to look at the return.
WITH state AS (
    SELECT l.*, o.status = 'c' AND NOT l.known AS hidden
    FROM disclosure_links l
    JOIN observations o ON o.rowid = l.rid
)
SELECT 'lone-hidden' AS violation, 'observations' AS table_name, metric,
       any_value(period) FILTER (WHERE hidden) AS period, council_code,
       any_value(provider_id) FILTER (WHERE hidden) AS provider_id, service,
       format('the only hidden figure in the group of the {} total for {} and its {} {}: {}{}',
              CASE WHEN group_provider = '' THEN 'council-wide' ELSE group_provider END,
              group_period, count(*) - 1, link,
              CASE WHEN bool_or(hidden AND is_total) THEN 'the sum of the parts gives it back'
                   ELSE 'the total minus the parts shown gives it back' END,
              CASE WHEN bool_and(shown_before OR hidden)
                   THEN format('; every other member was published by an earlier release, so none can be hidden '
                               || 'to protect it: council {} should check its {} return for {} (a total that no '
                               || 'longer matches the figures published before) and resubmit or withdraw it',
                               council_code, metric, group_period)
                   ELSE '' END) AS detail
FROM state
GROUP BY link, council_code, group_provider, service, metric, group_period
HAVING count(*) FILTER (WHERE hidden) = 1 AND NOT bool_or(inexact)
ORDER BY ALL
