-- byar_upper(o, z): upper limit for an observed count o by Byar's method
-- (PHEindicatormethods byars_upper): (o+1) (1 - 1/(9(o+1)) + z/(3 sqrt(o+1)))^3.
-- Intervals use it from 10 events (poisson_upper).
CREATE OR REPLACE MACRO byar_upper(o, z) AS
    CASE WHEN o >= 0
         THEN (o + 1) * power(1 - 1 / (9 * (o + 1)) + z / (3 * sqrt(o + 1)), 3)
    END
