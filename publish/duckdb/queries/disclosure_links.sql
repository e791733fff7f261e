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
-- Only metrics whose figures add up are linked: proportions, rates,
-- ratios and counts (a mean or a score is not a sum). A group is named by
-- link, council_code, group_provider, service, metric and group_period,
-- and has one total (is_total) and at least one part.
--
--   known         an earlier release already published the member's
--                 counts as they are now (history_known): it counts as
--                 published whatever its status now
--   shown_before  an earlier release published the member, with these
--                 figures or others: it is never hidden to protect
--                 another, since the figure already out would stand in
--                 for it
--   inexact       the group's total is not the sum of its parts in the
--                 councils' own figures (disclosure_truth), for the
--                 numerator and, unless a count, the denominator: a
--                 council-wide total holding a provider not listed, or a
--                 year holding more than its quarters. A reader knows
--                 only that the hidden members add up to at most (or at
--                 least) the total less the parts shown, so one hidden
--                 member alone is not given back; the interval audit
--                 bounds it. False when a figure is not at hand (a
--                 release file alone, a cell marked [c]).
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
    WHERE m.kind IN ('proportion', 'rate', 'ratio', 'count')
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
),
gaps AS (
    -- Each group's total less its parts, in the councils' own figures.
    SELECT mb.link, mb.council_code, mb.group_provider, mb.service, mb.metric, mb.group_period,
           coalesce(bool_and(t.x IS NOT NULL) AND abs(sum(CASE WHEN mb.is_total THEN t.x ELSE -t.x END)) >= 0.5
                    AND (any_value(m.kind) = 'count'
                         OR (bool_and(t.n IS NOT NULL) AND abs(sum(CASE WHEN mb.is_total THEN t.n ELSE -t.n END)) >= 0.5)),
                    false) AS inexact
    FROM members mb
    JOIN metrics m ON m.id = mb.metric
    LEFT JOIN disclosure_truth t
      ON t.council_code = mb.council_code AND t.provider_id = mb.provider_id AND t.service = mb.service
     AND t.metric = mb.metric AND t.period = mb.period
    GROUP BY mb.link, mb.council_code, mb.group_provider, mb.service, mb.metric, mb.group_period
)
SELECT link, council_code, group_provider, service, metric, group_period, provider_id, period, is_total,
       coalesce(k.known, false) AS known, k.council_code IS NOT NULL AS shown_before, g.inexact,
       row_number() OVER (
           PARTITION BY link, council_code, group_provider, service, metric, group_period
           ORDER BY CASE WHEN NOT is_total AND x > 0 THEN 0 WHEN is_total THEN 1 ELSE 2 END,
                    n NULLS LAST, x NULLS LAST, provider_id, period) AS pick_order
FROM members
JOIN gaps g USING (link, council_code, group_provider, service, metric, group_period)
LEFT JOIN history_known k USING (council_code, provider_id, service, metric, period)
