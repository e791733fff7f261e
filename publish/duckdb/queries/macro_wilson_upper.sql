-- wilson_upper(x, n, z): upper limit of the Wilson score interval for the
-- proportion x/n. NULL unless 0 <= x <= n and n > 0. At x = n the formula is
-- exactly 1, which floating point misses by a hair either way, so it is
-- given; elsewhere the result is held at most 1.
CREATE OR REPLACE MACRO wilson_upper(x, n, z) AS
    CASE WHEN n > 0 AND x = n THEN 1.0
         WHEN n > 0 AND x >= 0 AND x < n
         THEN least(1.0, (2 * x + z * z + z * sqrt(z * z + 4 * x * (1 - x / n))) / (2 * (n + z * z)))
    END
