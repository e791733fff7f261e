-- wilson_upper(x, n, z): upper limit of the Wilson score interval for the
-- proportion x/n. NULL unless 0 <= x <= n and n > 0.
CREATE OR REPLACE MACRO wilson_upper(x, n, z) AS
    CASE WHEN n > 0 AND x >= 0 AND x <= n
         THEN (2 * x + z * z + z * sqrt(z * z + 4 * x * (1 - x / n))) / (2 * (n + z * z))
    END
