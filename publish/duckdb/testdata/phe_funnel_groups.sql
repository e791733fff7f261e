-- The tables funnel_limits reads, holding only the columns it reads: one
-- group per denominator of PHE's funnel, so that the query, which draws
-- each group's curve from its smallest to its largest denominator, gives
-- the limits at exactly that denominator.
CREATE TABLE comparison_rows (metric VARCHAR, period VARCHAR, service VARCHAR, level VARCHAR, n DOUBLE);
CREATE TABLE benchmarks (metric VARCHAR, period VARCHAR, service VARCHAR, level VARCHAR,
                         kind VARCHAR, multiplier DOUBLE, target DOUBLE, tau2 DOUBLE);
