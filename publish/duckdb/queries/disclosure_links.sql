-- The linked groups of disclosure control: a total published beside the
-- figures it adds up, so that the total minus the parts shown is the sum of
-- the parts hidden. One row per member of a group.
--
--   link 'providers'  a council-wide row (provider_id '') and the provider
--                     rows of the same council, service, metric and period
--   link 'quarters'   a row for a year and the rows of the same council,
--                     provider, service and metric for the quarters in it
--   link 'months'     a row for a year or a quarter and those for the
--                     months in it
--
-- Only metrics whose figures add up are linked: proportions, rates and
-- counts (a mean or a score is not a sum). A group is named by link,
-- council_code, group_provider, service, metric and group_period, and has
-- one total (is_total) and at least one part. known marks a member an
-- earlier release already published with the same figures
-- (history_known): it counts as published whatever its status now, and
-- is never hidden to protect another.
--
-- pick_order ranks a group's members as the next to hide: first the parts
-- with a count above 0, smallest denominator (then numerator) first; then
-- the total; then the other parts. A part with a count of 0 comes after
-- the total because the rule is public: beside a hidden 3, a hidden 0
-- leaves "the two hidden counts sum to 3", and a part that could be shown
-- holds 0 or at least 5, so the 3 would be plain.
CREATE OR REPLACE TEMP TABLE disclosure_links AS
WITH cells AS (
    SELECT o.council_code, o.provider_id, o.service, o.metric, o.period,
           p.kind AS period_kind, p.period_start, p.period_end,
           coalesce(o.numerator, CASE WHEN m.kind = 'count' THEN o.value END) AS x,
           o.denominator AS n
    FROM observations o
    JOIN metrics m ON m.id = o.metric
    JOIN period_links p ON p.period = o.period
    WHERE m.kind IN ('proportion', 'rate', 'count')
),
parts AS (
    SELECT 'providers' AS link, t.council_code, t.provider_id AS group_provider, t.service, t.metric,
           t.period AS group_period, c.provider_id, c.period, c.x, c.n
    FROM cells t
    JOIN cells c ON c.council_code = t.council_code AND c.service = t.service
                AND c.metric = t.metric AND c.period = t.period
    WHERE t.provider_id = '' AND c.provider_id <> ''
    UNION ALL
    SELECT CASE c.period_kind WHEN 'quarter' THEN 'quarters' ELSE 'months' END,
           t.council_code, t.provider_id, t.service, t.metric, t.period, c.provider_id, c.period, c.x, c.n
    FROM cells t
    JOIN cells c ON c.council_code = t.council_code AND c.provider_id = t.provider_id
                AND c.service = t.service AND c.metric = t.metric
                AND c.period_start >= t.period_start AND c.period_end <= t.period_end
    WHERE (t.period_kind = 'year' AND c.period_kind IN ('quarter', 'month'))
       OR (t.period_kind = 'quarter' AND c.period_kind = 'month')
),
totals AS (
    SELECT g.link, g.council_code, g.group_provider, g.service, g.metric, g.group_period,
           t.provider_id, t.period, t.x, t.n
    FROM (SELECT DISTINCT link, council_code, group_provider, service, metric, group_period FROM parts) g
    JOIN cells t ON t.council_code = g.council_code AND t.provider_id = g.group_provider
                AND t.service = g.service AND t.metric = g.metric AND t.period = g.group_period
),
members AS (
    SELECT *, false AS is_total FROM parts
    UNION ALL
    SELECT *, true AS is_total FROM totals
)
SELECT link, council_code, group_provider, service, metric, group_period, provider_id, period, is_total,
       k.council_code IS NOT NULL AS known,
       row_number() OVER (
           PARTITION BY link, council_code, group_provider, service, metric, group_period
           ORDER BY CASE WHEN NOT is_total AND x > 0 THEN 0 WHEN is_total THEN 1 ELSE 2 END,
                    n NULLS LAST, x NULLS LAST, provider_id, period) AS pick_order
FROM members
LEFT JOIN history_known k USING (council_code, provider_id, service, metric, period)
