-- funnel_se(kind, target, n): the standard error of an institution's
-- proportion or rate (per unit of denominator) at denominator n when its
-- true value is the target, as in Spiegelhalter (2005), "Funnel plots for
-- comparing institutional performance", Stat Med 24:1185: binomial
-- sqrt(t(1-t)/n) for a proportion, Poisson sqrt(t/n) for a rate.
CREATE OR REPLACE MACRO funnel_se(kind, target, n) AS
    CASE WHEN n > 0 AND kind = 'proportion' THEN sqrt(target * (1 - target) / n)
         WHEN n > 0 AND kind = 'rate' THEN sqrt(target / n)
    END
