-- small_cell(kind, multiplier, numerator, denominator, value): true when a
-- figure's counts, as given or as its other figures imply them
-- (implied_numerator, implied_denominator), are small under the
-- small_counts rule: a numerator above 0 and below 5 (1 to 4) or a
-- denominator under 10 (0 included). False when no count is given or
-- implied: there is nothing to test.
CREATE OR REPLACE MACRO small_cell(kind, multiplier, numerator, denominator, value) AS
    coalesce(implied_numerator(kind, multiplier, numerator, denominator, value) > 0
             AND implied_numerator(kind, multiplier, numerator, denominator, value) < 5, false)
    OR coalesce(implied_denominator(kind, multiplier, numerator, denominator, value) < 10, false)
