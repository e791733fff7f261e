-- poisson_upper(o, z, exact): upper confidence limit for an observed count
-- of o events: the exact Poisson limit exact (from poisson_exact) below 10
-- events, Byar's byar_upper(o, z) from 10, as in poisson_lower.
CREATE OR REPLACE MACRO poisson_upper(o, z, exact) AS
    CASE WHEN o >= 0 AND o < 10 THEN exact
         WHEN o >= 10 THEN byar_upper(o, z)
    END
