-- poisson_exact: the exact Poisson limits for counts of 0 to 9 events
-- (ExactPoissonBelow), at 95% and 99.8%, one row per count. DuckDB has no
-- chi-squared quantile, so stats.go computes them (exactPoisson: lower =
-- qchisq(alpha/2, 2o)/2, upper = qchisq(1 - alpha/2, 2o + 2)/2, as
-- PHEindicatormethods' phe_rate) and appends them here; poisson_lower and
-- poisson_upper read them. A scratch table: it is not published.
CREATE OR REPLACE TABLE poisson_exact (
    events   INTEGER NOT NULL PRIMARY KEY,
    lower95  DOUBLE NOT NULL,
    upper95  DOUBLE NOT NULL,
    lower998 DOUBLE NOT NULL,
    upper998 DOUBLE NOT NULL
)
