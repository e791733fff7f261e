-- The equations of the interval audit (disclosure_audit.go): every linked
-- group, as disclosure_links.sql links them, of this release (release '')
-- and of every earlier release in history_cells, that has a member whose
-- counts the release withheld. One row per member.
--
--   unknown   the release withheld the member and no earlier release
--             published the counts it has now (history_known): its counts
--             are the unknowns, the same unknowns in every release that
--             withholds the cell
--   x, n      a published member's numerator (a count's value) and
--             denominator, as that release published them; for a member
--             hidden now whose numerator or denominator, each on its own,
--             an earlier release published as it is now, that count
--             (known data however the value was written). NULL when not
--             shown.
--   tx, tn    an unknown member's counts as the council gave them
--             (disclosure_truth; NULL for a cell this release no longer
--             has, and for one the council marked [c]); is_primary marks a
--             cell hidden for itself, whose bounds the audit checks.
WITH scope AS (
    -- Links never cross a council, service and metric, so equations
    -- elsewhere cannot bound a cell hidden for itself.
    SELECT DISTINCT council_code, service, metric FROM disclosure_truth WHERE is_primary
),
current_cells AS (
    SELECT '' AS release, o.council_code, o.provider_id, o.service, o.metric, o.period,
           o.status = 'c' AND NOT coalesce(k.known, false) AS unknown,
           CASE WHEN o.status <> 'c' THEN coalesce(o.numerator, CASE WHEN m.kind = 'count' THEN o.value END)
                WHEN coalesce(k.known OR k.known_x, false) THEN t.x END AS x,
           CASE WHEN o.status <> 'c' THEN o.denominator
                WHEN coalesce(k.known OR k.known_n, false) THEN t.n END AS n
    FROM observations o
    JOIN scope USING (council_code, service, metric)
    JOIN metrics m ON m.id = o.metric
    LEFT JOIN history_known k USING (council_code, provider_id, service, metric, period)
    LEFT JOIN disclosure_truth t USING (council_code, provider_id, service, metric, period)
    WHERE m.kind IN ('proportion', 'rate', 'ratio', 'count')
),
history AS (
    SELECT h.release, h.council_code, h.provider_id, h.service, h.metric, h.period,
           h.hidden AS unknown,
           coalesce(h.numerator, CASE WHEN m.kind = 'count' THEN h.value END) AS x,
           h.denominator AS n
    FROM history_cells h
    JOIN scope USING (council_code, service, metric)
    JOIN metrics m ON m.id = h.metric
    WHERE m.kind IN ('proportion', 'rate', 'ratio', 'count')
),
cells AS (
    SELECT c.*, p.kind AS period_kind, p.period_start, p.period_end
    FROM (SELECT * FROM current_cells UNION ALL SELECT * FROM history) c
    JOIN period_links p ON p.period = c.period
),
parts AS (
    SELECT t.release, 'providers' AS link, t.council_code, t.provider_id AS group_provider, t.service, t.metric,
           t.period AS group_period, c.provider_id, c.period, c.unknown, c.x, c.n
    FROM cells t
    JOIN cells c ON c.release = t.release AND c.council_code = t.council_code AND c.service = t.service
                AND c.metric = t.metric AND c.period = t.period
    WHERE t.provider_id = '' AND c.provider_id <> ''
    UNION ALL
    SELECT t.release, CASE c.period_kind WHEN 'quarter' THEN 'quarters' ELSE 'months' END,
           t.council_code, t.provider_id, t.service, t.metric, t.period, c.provider_id, c.period, c.unknown, c.x, c.n
    FROM cells t
    JOIN cells c ON c.release = t.release AND c.council_code = t.council_code AND c.provider_id = t.provider_id
                AND c.service = t.service AND c.metric = t.metric
                AND c.period_start >= t.period_start AND c.period_end <= t.period_end
    WHERE (t.period_kind = 'year' AND c.period_kind IN ('quarter', 'month'))
       OR (t.period_kind = 'quarter' AND c.period_kind = 'month')
),
totals AS (
    SELECT g.release, g.link, g.council_code, g.group_provider, g.service, g.metric, g.group_period,
           t.provider_id, t.period, t.unknown, t.x, t.n
    FROM (SELECT DISTINCT release, link, council_code, group_provider, service, metric, group_period FROM parts) g
    JOIN cells t ON t.release = g.release AND t.council_code = g.council_code AND t.provider_id = g.group_provider
                AND t.service = g.service AND t.metric = g.metric AND t.period = g.group_period
),
members AS (
    SELECT *, false AS is_total FROM parts
    UNION ALL
    SELECT *, true AS is_total FROM totals
)
SELECT mb.release, mb.link, mb.council_code, mb.group_provider, mb.service, mb.metric, mb.group_period,
       mb.provider_id, mb.period, mb.is_total, mb.unknown, mb.x, mb.n, m.kind,
       CASE WHEN mb.unknown THEN t.x END AS tx, CASE WHEN mb.unknown THEN t.n END AS tn,
       coalesce(mb.unknown AND mb.release = '' AND t.is_primary, false) AS is_primary
FROM members mb
JOIN metrics m ON m.id = mb.metric
LEFT JOIN disclosure_truth t USING (council_code, provider_id, service, metric, period)
QUALIFY bool_or(mb.unknown) OVER (
    PARTITION BY mb.release, mb.link, mb.council_code, mb.group_provider, mb.service, mb.metric, mb.group_period)
ORDER BY ALL
