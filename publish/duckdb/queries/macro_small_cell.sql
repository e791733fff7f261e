-- small_cell(kind, multiplier, numerator, denominator, value): true when a
-- figure's counts, as given or as its other figures imply them
-- (implied_numerator, implied_denominator), are small under the
-- small_counts rule: a numerator above 0 and below 5 (1 to 4), a
-- denominator under 10 (0 included), or, for a proportion, a complement
-- (denominator - numerator, those the proportion does not count) of 1 to
-- 4, which is as small a count as a numerator of 1 to 4. A numerator of 0
-- or a complement of 0 (0% or 100%) is not small by itself: over a
-- denominator under 10 the cell is small anyway, and from 10 up it speaks
-- of a group of at least 10. Also true when a proportion, a rate or a
-- ratio gives a value and no count, given or implied: the rule cannot be
-- tested, and a sister metric may publish the missing denominator (a rate
-- of 1.5 per 1,000 bed days beside 2,000 bed days is 3 falls), so it is
-- treated as small. False when the row gives no value and no count: there
-- is nothing to show.
CREATE OR REPLACE MACRO small_cell(kind, multiplier, numerator, denominator, value) AS
    coalesce(implied_numerator(kind, multiplier, numerator, denominator, value) > 0
             AND implied_numerator(kind, multiplier, numerator, denominator, value) < 5, false)
    OR coalesce(implied_denominator(kind, multiplier, numerator, denominator, value) < 10, false)
    OR coalesce(kind = 'proportion'
                AND implied_denominator(kind, multiplier, numerator, denominator, value)
                    - implied_numerator(kind, multiplier, numerator, denominator, value) BETWEEN 1 AND 4, false)
    OR (kind IN ('proportion', 'rate', 'ratio') AND value IS NOT NULL
        AND implied_numerator(kind, multiplier, numerator, denominator, value) IS NULL
        AND implied_denominator(kind, multiplier, numerator, denominator, value) IS NULL)
