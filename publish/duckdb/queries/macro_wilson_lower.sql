-- wilson_lower(x, n, z): lower limit of the Wilson score interval for the
-- proportion x/n (PHEindicatormethods wilson_lower; Wilson 1927, Newcombe
-- 1998 method 3). NULL unless 0 <= x <= n and n > 0. At x = 0 it is exactly
-- 0, which is given; elsewhere the result is held at least 0.
CREATE OR REPLACE MACRO wilson_lower(x, n, z) AS
    CASE WHEN n > 0 AND x = 0 THEN 0.0
         WHEN n > 0 AND x > 0 AND x <= n
         THEN greatest(0.0, (2 * x + z * z - z * sqrt(z * z + 4 * x * (1 - x / n))) / (2 * (n + z * z)))
    END
