-- implied_denominator(kind, multiplier, numerator, denominator, value):
-- the denominator, or where the row leaves it blank the one its numerator
-- and value imply: numerator x multiplier / value (rounded) for a
-- proportion, a rate or a ratio. NULL when nothing implies one.
CREATE OR REPLACE MACRO implied_denominator(kind, multiplier, numerator, denominator, value) AS
    coalesce(denominator,
             CASE WHEN kind IN ('proportion', 'rate', 'ratio') AND value > 0
                 THEN round(numerator * multiplier / value)
             END)
