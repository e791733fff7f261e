-- change_z(kind, x1, n1, x0, n0): the z-score of the change from x0/n0 (an
-- earlier period) to x1/n1, by the score test of "no change": the two
-- periods' counts pooled into one proportion p = (x1 + x0) / (n1 + n0)
-- (binomial, variance p(1 - p) (1/n1 + 1/n0)) or one rate r = (x1 + x0) /
-- (n1 + n0) (Poisson, variance r (1/n1 + 1/n0)), and z = (x1/n1 - x0/n0)
-- / sqrt(variance). A pooled proportion of 0 or 1, or a pooled rate of 0,
-- means the two figures are equal, so z is 0. NULL unless both periods
-- give counts of a proportion or rate (comparison_rows.x and n).
CREATE OR REPLACE MACRO change_z(kind, x1, n1, x0, n0) AS
    CASE WHEN kind NOT IN ('proportion', 'rate') OR x1 IS NULL OR n1 IS NULL OR x0 IS NULL OR n0 IS NULL
              OR n1 <= 0 OR n0 <= 0 THEN NULL
         WHEN (x1 + x0) = 0 OR (kind = 'proportion' AND (x1 + x0) = (n1 + n0)) THEN 0.0
         ELSE (x1 / n1 - x0 / n0)
              / sqrt(CASE kind WHEN 'proportion' THEN (x1 + x0) / (n1 + n0) * (1 - (x1 + x0) / (n1 + n0))
                               ELSE (x1 + x0) / (n1 + n0) END
                     * (1 / n1 + 1 / n0))
    END
