-- poisson_lower(o, z, exact): lower confidence limit for an observed count
-- of o events, as PHEindicatormethods' phe_rate computes it: below 10
-- events (ExactPoissonBelow) the exact Poisson limit, which the caller
-- looks up in poisson_exact for the level z belongs to and passes as
-- exact; from 10 events Byar's approximation, byar_lower(o, z). NULL for
-- no count.
CREATE OR REPLACE MACRO poisson_lower(o, z, exact) AS
    CASE WHEN o >= 0 AND o < 10 THEN exact
         WHEN o >= 10 THEN byar_lower(o, z)
    END
