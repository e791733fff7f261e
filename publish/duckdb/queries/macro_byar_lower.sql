-- byar_lower(o, z): lower limit for an observed count o by Byar's
-- approximation to the exact Poisson interval (PHEindicatormethods
-- byars_lower): o (1 - 1/(9o) - z/(3 sqrt o))^3. Intervals use it from 10
-- events (poisson_lower), where it is within 2% of the exact limit. It is
-- 0 for o = 0, and is held at 0 where the approximation turns negative
-- (o = 1 at 99.8%).
CREATE OR REPLACE MACRO byar_lower(o, z) AS
    CASE WHEN o = 0 THEN 0.0
         WHEN o > 0 THEN greatest(0.0, o * power(1 - 1 / (9 * o) - z / (3 * sqrt(o)), 3))
    END
