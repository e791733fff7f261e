-- funnel_z(kind, x, n, target, tau2): the z-score of the observed x/n
-- against the target, (x/n - target) / sqrt(se^2 + tau2), with se from
-- funnel_se. tau2 = 0 gives Spiegelhalter's unadjusted z; tau2 > 0 the
-- additive random-effects adjustment for over-dispersion. NULL where there
-- is no standard error (no counts, or a target of 0, or 1 for a proportion).
CREATE OR REPLACE MACRO funnel_z(kind, x, n, target, tau2) AS
    CASE WHEN funnel_se(kind, target, n) > 0
         THEN (x / n - target) / sqrt(power(funnel_se(kind, target, n), 2) + coalesce(tau2, 0))
    END
