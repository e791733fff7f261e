-- implied_numerator(kind, multiplier, numerator, denominator, value): the
-- numerator, or where the row leaves it blank the one its other figures
-- imply: value x denominator / multiplier (rounded) for a proportion, a
-- rate or a ratio, the value itself for a count. NULL when nothing implies one.
CREATE OR REPLACE MACRO implied_numerator(kind, multiplier, numerator, denominator, value) AS
    coalesce(numerator,
             CASE WHEN kind = 'count' THEN value
                  WHEN kind IN ('proportion', 'rate', 'ratio') AND denominator > 0
                      THEN round(value * denominator / multiplier)
             END)
