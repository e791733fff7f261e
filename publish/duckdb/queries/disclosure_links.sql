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
--   rid           the member's row of observations (its rowid, which no
--                 step of Build after load_observations.sql changes: they
--                 update rows, never insert, delete or make the table
--                 anew, and a CHECKPOINT renumbers rows only after
--                 deletes), so that suppression's rounds and the checks
--                 join a member to its row on one integer, not five
--                 strings
--   gid           names the group in one integer: the rid of its total,
--                 times 3, plus 0, 1 or 2 for its link (a year's row is
--                 the total of a group of quarters and one of months)
--
-- known_x and known_n (history_known), and truth_x, truth_n and is_primary
-- (disclosure_truth: the member's counts as the councils gave them, and
-- whether the rules hide it for itself), are what the interval audit
-- reads of each member (audit_members.sql), fixed while Build runs: taken
-- here once, they spare each audit two joins over every member.
--
-- pick_class, pick_n and pick_x, then provider_id and period, rank a
-- group's members as the next to hide (suppress_secondary.sql): first the
-- parts with a count above 0 (pick_class 0), smallest denominator (pick_n,
-- then numerator, pick_x) first; then the total (1); then the other parts
-- (2). They are the counts shown when suppression began; suppression
-- alone reads them, and ranks only the groups a round reads rather than
-- every member of every group here (a window over the whole table, the
-- costliest step of building it). A part with a count of 0 comes after the
-- total because the rule is public: beside a hidden 3, a hidden 0 leaves
-- "the two hidden counts sum to 3", and a part that could be shown holds 0
-- or at least 5, so the 3 would be plain.

-- The cells that can be linked, in a table of their own rather than a
-- common table expression, whose size DuckDB can only guess: it knows a
-- table's statistics, so it builds the providers' join below on the few
-- council-wide rows rather than on the millions of provider rows. With
-- the expression, once parts carried each total's figures, it built the
-- join on the provider rows: 10.8 s, where the table takes 1.4 s at 20M
-- rows (BENCHMARKS.md, "Earlier figures grouped by row"). Dropped at the
-- end of this file; drop_disclosure_links.sql drops it too, should the
-- second statement fail.
CREATE OR REPLACE TEMP TABLE link_cells AS
SELECT o.rowid AS rid, o.council_code, o.provider_id, o.service, o.metric, o.period,
       p.kind AS period_kind, p.period_start, p.period_end,
       coalesce(o.numerator, CASE WHEN m.kind = 'count' THEN o.value END) AS x,
       o.denominator AS n
FROM observations o
JOIN metrics m ON m.id = o.metric
JOIN period_links p ON p.period = o.period
WHERE m.kind IN ('proportion', 'rate', 'ratio', 'count');

CREATE OR REPLACE TEMP TABLE disclosure_links AS
WITH within AS (
    -- Each period observed in a year or quarter observed (a quarter or
    -- month in a year, a month in a quarter): a few hundred pairs, so the
    -- cells below join on equal keys alone rather than on date ranges,
    -- which matched every period of a cell's council, provider, service
    -- and metric before the dates were compared.
    SELECT t.period AS outer_period, c.period AS inner_period
    FROM period_links t
    JOIN period_links c ON c.period_start >= t.period_start AND c.period_end <= t.period_end
    WHERE (t.kind = 'year' AND c.kind IN ('quarter', 'month'))
       OR (t.kind = 'quarter' AND c.kind = 'month')
),
parts AS (
    SELECT 'providers' AS link, t.council_code, t.provider_id AS group_provider, t.service, t.metric,
           t.period AS group_period, c.provider_id, c.period, c.x, c.n, c.rid, t.rid * 3 AS gid,
           t.x AS total_x, t.n AS total_n
    FROM link_cells t
    JOIN link_cells c ON c.council_code = t.council_code AND c.service = t.service
                AND c.metric = t.metric AND c.period = t.period
    WHERE t.provider_id = '' AND c.provider_id <> ''
    UNION ALL
    SELECT CASE c.period_kind WHEN 'quarter' THEN 'quarters' ELSE 'months' END,
           t.council_code, t.provider_id, t.service, t.metric, t.period, c.provider_id, c.period, c.x, c.n,
           c.rid, t.rid * 3 + CASE c.period_kind WHEN 'quarter' THEN 1 ELSE 2 END, t.x, t.n
    FROM link_cells t
    JOIN within w ON w.outer_period = t.period
    JOIN link_cells c ON c.council_code = t.council_code AND c.provider_id = t.provider_id
                AND c.service = t.service AND c.metric = t.metric AND c.period = w.inner_period
),
totals AS (
    -- Each group's total, as its parts' rows above carry it (total_x,
    -- total_n; its rid is gid // 3), rather than a second join of the
    -- groups with every cell: that join read the 18.8M cells again at
    -- 20M rows for 145K totals. Every part of a gid carries the same
    -- total's columns, one cell's, so any_value takes the one value each
    -- has in the group.
    SELECT any_value(link) AS link, any_value(council_code) AS council_code,
           any_value(group_provider) AS group_provider, any_value(service) AS service,
           any_value(metric) AS metric, any_value(group_period) AS group_period,
           any_value(group_provider) AS provider_id, any_value(group_period) AS period,
           any_value(total_x) AS x, any_value(total_n) AS n, gid // 3 AS rid, gid
    FROM parts
    GROUP BY gid
),
members AS (
    -- Each member with its figures as the councils gave them, joined once
    -- here for the gaps below and for the interval audit's every reading.
    SELECT mb.*, t.x AS truth_x, t.n AS truth_n, t.is_primary
    FROM (SELECT * EXCLUDE (total_x, total_n), false AS is_total FROM parts
          UNION ALL
          SELECT *, true AS is_total FROM totals) mb
    LEFT JOIN disclosure_truth t ON t.rid = mb.rid
),
gaps AS (
    -- Each group's total less its parts, in the councils' own figures.
    SELECT mb.gid,
           coalesce(bool_and(mb.truth_x IS NOT NULL)
                    AND abs(sum(CASE WHEN mb.is_total THEN mb.truth_x ELSE -mb.truth_x END)) >= 0.5
                    AND (any_value(m.kind) = 'count'
                         OR (bool_and(mb.truth_n IS NOT NULL)
                             AND abs(sum(CASE WHEN mb.is_total THEN mb.truth_n ELSE -mb.truth_n END)) >= 0.5)),
                    false) AS inexact
    FROM members mb
    JOIN metrics m ON m.id = mb.metric
    GROUP BY mb.gid
)
SELECT mb.link, mb.council_code, mb.group_provider, mb.service, mb.metric, mb.group_period, mb.provider_id,
       mb.period, mb.is_total, mb.rid, mb.gid, coalesce(k.known, false) AS known,
       k.rid IS NOT NULL AS shown_before, g.inexact,
       CASE WHEN NOT mb.is_total AND mb.x > 0 THEN 0 WHEN mb.is_total THEN 1 ELSE 2 END AS pick_class,
       mb.n AS pick_n, mb.x AS pick_x,
       coalesce(k.known_x, false) AS known_x, coalesce(k.known_n, false) AS known_n,
       mb.truth_x, mb.truth_n, mb.is_primary
FROM members mb
JOIN gaps g ON g.gid = mb.gid
-- history_known's rid is the cell's row of observations.
LEFT JOIN history_known k ON k.rid = mb.rid;

DROP TABLE link_cells
