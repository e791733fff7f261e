-- small_cell(kind, multiplier, numerator, denominator, value, small_count,
-- min_denominator): true when a figure's counts, as given or as its other
-- figures imply them (implied_numerator, implied_denominator), are small
-- under the small_counts rule with the metric's thresholds (the metrics
-- table's small_count and min_denominator; by default 5 and 10): a
-- numerator above 0 and below small_count (1 to 4), a denominator under
-- min_denominator (0 included), or, for a proportion, a complement
-- (denominator - numerator, those the proportion does not count) above 0
-- and below small_count, which is as small a count as such a numerator. A
-- numerator of 0 or a complement of 0 (0% or 100%) is not small by
-- itself: over a denominator under min_denominator the cell is small
-- anyway, and from min_denominator up it speaks of a group at least that
-- large. Also true when a proportion, a rate or a ratio gives a value and
-- no count, given or implied: the rule cannot be tested, and a sister
-- metric may publish the missing denominator (a rate of 1.5 per 1,000 bed
-- days beside 2,000 bed days is 3 falls), so it is treated as small. False
-- when the row gives no value and no count: there is nothing to show.
CREATE OR REPLACE MACRO small_cell(kind, multiplier, numerator, denominator, value, small_count, min_denominator) AS
    coalesce(implied_numerator(kind, multiplier, numerator, denominator, value) > 0
             AND implied_numerator(kind, multiplier, numerator, denominator, value) < small_count, false)
    OR coalesce(implied_denominator(kind, multiplier, numerator, denominator, value) < min_denominator, false)
    OR coalesce(kind = 'proportion'
                AND implied_denominator(kind, multiplier, numerator, denominator, value)
                    - implied_numerator(kind, multiplier, numerator, denominator, value) > 0
                AND implied_denominator(kind, multiplier, numerator, denominator, value)
                    - implied_numerator(kind, multiplier, numerator, denominator, value) < small_count, false)
    OR (kind IN ('proportion', 'rate', 'ratio') AND value IS NOT NULL
        AND implied_numerator(kind, multiplier, numerator, denominator, value) IS NULL
        AND implied_denominator(kind, multiplier, numerator, denominator, value) IS NULL)
