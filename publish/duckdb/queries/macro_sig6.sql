-- sig6(x): x to six significant figures, the one rounding rule for every
-- figure Yardstick computes (intervals, benchmarks, ranks, z-scores,
-- changes, funnel limits, pooled and derived values). Binary floating
-- point makes 947 / 1000 x 100 read 94.69999999999999; six significant
-- figures is finer than any count a return holds can support, and reads
-- 94.7. NULL, 0, infinities and NaN pass through. Figures as a council
-- gave them are never rounded.
CREATE OR REPLACE MACRO sig6(x) AS
    CASE WHEN x IS NULL OR x = 0 OR NOT isfinite(x) THEN x
         ELSE round(x, (5 - floor(log10(abs(x))))::INTEGER)
    END
