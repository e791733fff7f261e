-- derived_members: the members of every linked group, as
-- disclosure_links.sql links them, that a release of history_input
-- published with a hidden member (only these give the interval audit an
-- equation with an unknown); x is a member's numerator (a count's value)
-- and n its denominator, NULL where hidden. sig names the group and its
-- figures: two releases that published a group with the same members and
-- figures share one sig, so the group is kept once. For the release being
-- built, history_derive_links.sql gives the same rows from the groups
-- suppression linked.
CREATE OR REPLACE TEMP TABLE derived_members AS
WITH cells AS (
    SELECT h.release, h.council_code, h.provider_id, h.service, h.metric, h.period, h.hidden,
           p.kind AS period_kind, p.period_start, p.period_end,
           coalesce(h.numerator, CASE WHEN m.kind = 'count' THEN h.value END)::DOUBLE AS x,
           h.denominator::DOUBLE AS n
    FROM history_input h
    JOIN metrics m ON m.id = h.metric
    JOIN period_links p ON p.period = h.period
    WHERE m.kind IN ('proportion', 'rate', 'ratio', 'count')
),
parts AS (
    SELECT t.release, 'providers' AS link, t.council_code, t.provider_id AS group_provider, t.service, t.metric,
           t.period AS group_period, c.provider_id, c.period, c.hidden, c.x, c.n
    FROM cells t
    JOIN cells c ON c.release = t.release AND c.council_code = t.council_code AND c.service = t.service
                AND c.metric = t.metric AND c.period = t.period
    WHERE t.provider_id = '' AND c.provider_id <> ''
    UNION ALL
    SELECT t.release, CASE c.period_kind WHEN 'quarter' THEN 'quarters' ELSE 'months' END,
           t.council_code, t.provider_id, t.service, t.metric, t.period, c.provider_id, c.period, c.hidden, c.x, c.n
    FROM cells t
    JOIN cells c ON c.release = t.release AND c.council_code = t.council_code AND c.provider_id = t.provider_id
                AND c.service = t.service AND c.metric = t.metric
                AND c.period_start >= t.period_start AND c.period_end <= t.period_end
    WHERE (t.period_kind = 'year' AND c.period_kind IN ('quarter', 'month'))
       OR (t.period_kind = 'quarter' AND c.period_kind = 'month')
),
totals AS (
    SELECT g.release, g.link, g.council_code, g.group_provider, g.service, g.metric, g.group_period,
           t.provider_id, t.period, t.hidden, t.x, t.n
    FROM (SELECT DISTINCT release, link, council_code, group_provider, service, metric, group_period FROM parts) g
    JOIN cells t ON t.release = g.release AND t.council_code = g.council_code AND t.provider_id = g.group_provider
                AND t.service = g.service AND t.metric = g.metric AND t.period = g.group_period
),
members AS (
    SELECT *, false AS is_total FROM parts
    UNION ALL
    SELECT *, true AS is_total FROM totals
),
hidden_groups AS (
    SELECT * FROM members
    QUALIFY bool_or(hidden) OVER (PARTITION BY release, link, council_code, group_provider, service, metric, group_period)
),
sigs AS (
    SELECT release, link, council_code, group_provider, service, metric, group_period,
           md5(concat_ws(chr(31), link, council_code, group_provider, service, metric, group_period,
               string_agg(concat_ws(chr(30), provider_id, period, is_total, hidden, coalesce(x::VARCHAR, '-'),
                                    coalesce(n::VARCHAR, '-')), chr(29) ORDER BY provider_id, period, is_total))) AS sig
    FROM hidden_groups
    GROUP BY release, link, council_code, group_provider, service, metric, group_period
)
SELECT s.sig, g.release, g.link, g.council_code, g.group_provider, g.service, g.metric, g.group_period,
       g.provider_id, g.period, g.is_total, g.hidden, g.x, g.n
FROM hidden_groups g
JOIN sigs s USING (release, link, council_code, group_provider, service, metric, group_period)
