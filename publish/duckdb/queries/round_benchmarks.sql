-- Publishes the benchmarks' computed figures to six significant figures
-- (sig6), once every table that reads them at full precision is built, so
-- that comparisons and funnel_limits, which apply sig6 to the same
-- figures, agree with them.
UPDATE benchmarks
SET national_value = sig6(national_value), mean_value = sig6(mean_value),
    median = sig6(median), q1 = sig6(q1), q3 = sig6(q3), p10 = sig6(p10), p90 = sig6(p90),
    target = sig6(target), phi = sig6(phi), tau2 = sig6(tau2)
