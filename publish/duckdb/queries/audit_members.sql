-- The equations of the interval audit (disclosure_audit.go): every linked
-- group, as disclosure_links.sql links them, of this release (release '')
-- and of every earlier release (history_members, once for each set of
-- groups in history_sets: releases that published the same groups with
-- the same figures share one set and are read once, release naming the
-- set), that has a member whose counts the release withheld. One row per
-- member.
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
--   x_count, n_count
--             the names of the counts the member's metric shares with
--             others (metrics.numerator_count, denominator_count; '' for
--             its own): the same count of one cell is one unknown
--             whichever metric's group it appears in. '' too where the
--             councils' figures of the cell give the shared count
--             different values under different metrics (ingest does not
--             make sisters agree): a reader cannot tie such figures, and
--             one unknown with the first metric's value would make the
--             other metric's equations look broken (a gap) and leave them
--             bounding nothing, so each metric keeps its own.
--   small_count
--             the small_counts threshold of the member's metric (0 for
--             none), which sets how wide its ranges must stay.
WITH primaries AS (
    SELECT DISTINCT council_code, service, metric FROM disclosure_truth WHERE is_primary
),
linked_scope AS (
    -- Links never cross a council, service and metric, so equations
    -- elsewhere cannot bound a cell hidden for itself; but a metric that
    -- shares a count with the cell's (numerator_count,
    -- denominator_count) shares that unknown, and its groups bound it too.
    SELECT council_code, service, metric FROM primaries
    UNION
    SELECT p.council_code, p.service, b.id
    FROM primaries p
    JOIN metrics a ON a.id = p.metric
    JOIN metrics b ON b.id <> a.id
     AND ((coalesce(a.numerator_count, '') <> '' AND a.numerator_count IN (b.numerator_count, b.denominator_count))
          OR (coalesce(a.denominator_count, '') <> '' AND a.denominator_count IN (b.numerator_count, b.denominator_count)))
),
scope AS (
    -- $units, when not NULL, limits the audit to those councils, services
    -- and metrics (each joined by chr(31)): whole families of metrics
    -- that share counts, so every group read has all the rows it would
    -- have in a full audit.
    SELECT * FROM linked_scope
    WHERE $units::VARCHAR[] IS NULL
       OR concat_ws(chr(31), council_code, service, metric) IN (SELECT unnest($units::VARCHAR[]))
),
truth AS (
    -- The councils' figures and the history's known counts of the cells
    -- in scope, taken first so that the joins below build on them alone
    -- when $units names a few metrics.
    SELECT * FROM disclosure_truth
    WHERE (council_code, service, metric) IN (SELECT (council_code, service, metric) FROM scope)
),
known AS (
    SELECT * FROM history_known
    WHERE (council_code, service, metric) IN (SELECT (council_code, service, metric) FROM scope)
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
    LEFT JOIN known k USING (council_code, provider_id, service, metric, period)
    LEFT JOIN truth t USING (council_code, provider_id, service, metric, period)
    WHERE m.kind IN ('proportion', 'rate', 'ratio', 'count')
),
cells AS (
    SELECT c.*, p.kind AS period_kind, p.period_start, p.period_end
    FROM current_cells c
    JOIN period_links p ON p.period = c.period
),
parts AS (
    SELECT t.release, 'providers' AS link, t.council_code, t.provider_id AS group_provider, t.service, t.metric,
           t.period AS group_period, c.provider_id, c.period, c.unknown, c.x, c.n
    FROM cells t
    JOIN cells c ON c.council_code = t.council_code AND c.service = t.service
                AND c.metric = t.metric AND c.period = t.period
    WHERE t.provider_id = '' AND c.provider_id <> ''
    UNION ALL
    SELECT t.release, CASE c.period_kind WHEN 'quarter' THEN 'quarters' ELSE 'months' END,
           t.council_code, t.provider_id, t.service, t.metric, t.period, c.provider_id, c.period, c.unknown, c.x, c.n
    FROM cells t
    JOIN cells c ON c.council_code = t.council_code AND c.provider_id = t.provider_id
                AND c.service = t.service AND c.metric = t.metric
                AND c.period_start >= t.period_start AND c.period_end <= t.period_end
    WHERE (t.period_kind = 'year' AND c.period_kind IN ('quarter', 'month'))
       OR (t.period_kind = 'quarter' AND c.period_kind = 'month')
),
totals AS (
    SELECT g.release, g.link, g.council_code, g.group_provider, g.service, g.metric, g.group_period,
           t.provider_id, t.period, t.unknown, t.x, t.n
    FROM (SELECT DISTINCT release, link, council_code, group_provider, service, metric, group_period FROM parts) g
    JOIN cells t ON t.council_code = g.council_code AND t.provider_id = g.group_provider
                AND t.service = g.service AND t.metric = g.metric AND t.period = g.group_period
),
history AS (
    -- Each group an earlier release published with a hidden member, once
    -- for every set of groups that holds it. Of the earlier releases that
    -- published the very same groups with the same figures (one set, as
    -- a release republishing unchanged data does) only one is read: the
    -- others' equations are its own over unknowns of their own (a count a
    -- published member leaves out, a hidden count revised since), which
    -- bound nothing it does not, so the audit's input does not grow with
    -- the number of releases that repeat the same figures.
    SELECT s.sig_set AS release, h.link, h.council_code, h.group_provider, h.service, h.metric, h.group_period,
           h.provider_id, h.period, h.hidden AS unknown, h.x, h.n, h.is_total
    FROM history_members h
    JOIN history_sets s USING (sig)
    JOIN scope USING (council_code, service, metric)
    JOIN metrics m ON m.id = h.metric
    WHERE m.kind IN ('proportion', 'rate', 'ratio', 'count')
),
members AS (
    SELECT *, false AS is_total FROM parts
    UNION ALL
    SELECT *, true AS is_total FROM totals
    UNION ALL
    SELECT * FROM history
),
shared AS (
    -- Each shared count of a cell the audit holds, once for each metric
    -- that gives it, as the councils gave it.
    SELECT t.council_code, t.provider_id, t.service, t.period, c.name, c.v
    FROM disclosure_truth t
    JOIN metrics m ON m.id = t.metric
    CROSS JOIN LATERAL (VALUES (m.numerator_count, t.x), (m.denominator_count, t.n)) c(name, v)
    WHERE coalesce(c.name, '') <> ''
      AND (t.council_code, t.provider_id, t.service, t.period) IN (
          SELECT (council_code, provider_id, service, period) FROM members)
),
disagree AS (
    -- The shared counts whose figures differ from metric to metric.
    SELECT council_code, provider_id, service, period, name
    FROM shared
    GROUP BY ALL
    HAVING max(v) - min(v) >= 0.5
)
SELECT mb.release, mb.link, mb.council_code, mb.group_provider, mb.service, mb.metric, mb.group_period,
       mb.provider_id, mb.period, mb.is_total, mb.unknown, mb.x, mb.n, m.kind,
       CASE WHEN mb.unknown THEN t.x END AS tx, CASE WHEN mb.unknown THEN t.n END AS tn,
       coalesce(mb.unknown AND mb.release = '' AND t.is_primary, false) AS is_primary,
       CASE WHEN dx.name IS NULL THEN coalesce(m.numerator_count, '') ELSE '' END AS x_count,
       CASE WHEN dn.name IS NULL THEN coalesce(m.denominator_count, '') ELSE '' END AS n_count,
       coalesce(m.small_count, 0) AS small_count
FROM members mb
JOIN metrics m ON m.id = mb.metric
LEFT JOIN truth t USING (council_code, provider_id, service, metric, period)
LEFT JOIN disagree dx
  ON dx.council_code = mb.council_code AND dx.provider_id = mb.provider_id AND dx.service = mb.service
 AND dx.period = mb.period AND dx.name = m.numerator_count
LEFT JOIN disagree dn
  ON dn.council_code = mb.council_code AND dn.provider_id = mb.provider_id AND dn.service = mb.service
 AND dn.period = mb.period AND dn.name = m.denominator_count
QUALIFY bool_or(mb.unknown) OVER (
    PARTITION BY mb.release, mb.link, mb.council_code, mb.group_provider, mb.service, mb.metric, mb.group_period)
ORDER BY ALL
