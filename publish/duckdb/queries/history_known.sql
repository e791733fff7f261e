-- The cells of this release some earlier release published (status other
-- than [c]), or one of whose counts it published under a sister metric,
-- one row each: everyone has seen them, so none is ever hidden as the
-- complement that protects another, whatever its figures are now.
--
--   rid      the cell's row of observations (disclosure_truth.rid): the
--            disclosure tables join on it rather than on the five columns
--            of the key, so the key is not carried here
--   known    an earlier release published the counts the cell has now
--            (disclosure_truth), numerator and denominator each equal, a
--            count's value equal, however the value is written (3.67 for
--            3.66667); for a row with no count, its value equal: in a
--            linked group it counts as published whatever its status now
--   known_x  an earlier release published the numerator it has now
--   known_n  an earlier release published the denominator it has now
--
-- Counts are compared as given or implied by the value
-- (implied_numerator, implied_denominator), as a reader would take them.
-- A count metrics share (the catalogue's numerator_count,
-- denominator_count) that an earlier release published under any of them
-- is out for every metric that shares it: P1's people served published
-- with its safeguarding concerns give its complaints' denominator. So a
-- sister's published count, where the cell has the same count now, makes
-- known_x or known_n, and the cell is never hidden as a complement
-- (hiding it would protect nothing the sister's figure gives back); it
-- never makes the cell known as a whole, whose other count no release
-- published.
--
-- A figure of a cell this release no longer has matches no row of
-- disclosure_truth and makes no row here: disclosure_links joins on rid,
-- and no member of a linked group is such a cell. The rows are grouped on rid, one integer, rather than the
-- key's five strings (18.7 s against 28.0 s at 20M rows, 11.4M figures
-- shown, in isolation; BENCHMARKS.md, "Earlier figures grouped by row").
CREATE OR REPLACE TEMP TABLE history_known AS
WITH shown AS (
    SELECT h.council_code, h.provider_id, h.service, h.metric, h.period, h.value, true AS own,
           implied_numerator(m.kind, m.multiplier, h.numerator, h.denominator, h.value) AS x,
           implied_denominator(m.kind, m.multiplier, h.numerator, h.denominator, h.value) AS n
    FROM history_shown h
    JOIN metrics m ON m.id = h.metric
),
sister AS (
    -- Each figure shown, as the counts it gives metric a, which shares
    -- one with its own metric b: a's numerator and denominator where b
    -- published them, NULL for a count b does not share.
    SELECT s.council_code, s.provider_id, s.service, a.id AS metric, s.period, NULL::DOUBLE AS value, false AS own,
           CASE WHEN coalesce(a.numerator_count, '') = '' THEN NULL
                WHEN a.numerator_count = b.numerator_count THEN s.x
                WHEN a.numerator_count = b.denominator_count THEN s.n END AS x,
           CASE WHEN coalesce(a.denominator_count, '') = '' THEN NULL
                WHEN a.denominator_count = b.numerator_count THEN s.x
                WHEN a.denominator_count = b.denominator_count THEN s.n END AS n
    FROM shown s
    JOIN metric_sisters ms ON ms.metric = s.metric
    JOIN metrics b ON b.id = s.metric
    JOIN metrics a ON a.id = ms.sister
),
every AS (
    SELECT * FROM shown
    UNION ALL
    SELECT * FROM sister
)
SELECT t.rid,
       coalesce(bool_or(s.own AND t.status <> 'c' AND s.x IS NOT DISTINCT FROM t.x AND s.n IS NOT DISTINCT FROM t.n
                        AND (t.x IS NOT NULL OR t.n IS NOT NULL OR s.value IS NOT DISTINCT FROM t.value)),
                false) AS known,
       coalesce(bool_or(t.x IS NOT NULL AND s.x = t.x), false) AS known_x,
       coalesce(bool_or(t.n IS NOT NULL AND s.n = t.n), false) AS known_n
FROM every s
JOIN disclosure_truth t USING (council_code, provider_id, service, metric, period)
GROUP BY t.rid
-- A sister's figure alone makes a row only where it gives a count the
-- cell has now; one that gives none says nothing of this cell.
HAVING bool_or(s.own) OR known_x OR known_n
