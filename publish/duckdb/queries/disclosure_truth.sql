-- The observations as the councils gave them, taken before Yardstick hides
-- anything (the counts of a cell the council marked [c] are already gone):
-- what the interval audit checks published totals against. x and n are a
-- cell's counts, given or implied by its value (implied_numerator,
-- implied_denominator; a count's x is its value). is_primary marks a cell
-- the rules hide for itself: marked [c] by the council, or small
-- (small_cell) under small_counts. rid is the row's rowid in observations,
-- which no later step changes (it updates rows, never inserts or deletes
-- them), so the disclosure tables join a cell to its figures on one
-- integer rather than the five columns of its key.
CREATE OR REPLACE TEMP TABLE disclosure_truth AS
SELECT o.rowid AS rid, o.council_code, o.provider_id, o.service, o.metric, o.period, o.status,
       o.numerator, o.denominator, o.value,
       implied_numerator(m.kind, m.multiplier, o.numerator, o.denominator, o.value) AS x,
       implied_denominator(m.kind, m.multiplier, o.numerator, o.denominator, o.value) AS n,
       o.status = 'c' OR (m.disclosure = 'small_counts'
                          AND small_cell(m.kind, m.multiplier, o.numerator, o.denominator, o.value,
                                     m.small_count, m.min_denominator)) AS is_primary
FROM observations o
JOIN metrics m ON m.id = o.metric
