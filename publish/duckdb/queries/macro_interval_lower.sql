-- interval_lower(kind, x, n, events, multiplier, z, exact): the lower
-- confidence limit at level z of a row's published figure, by its kind:
-- Wilson's for the proportion x/n (x multiplier); for a rate the count's
-- limit (poisson_lower of events, exact Poisson below 10 events from
-- exact, the poisson_exact column for z's level, Byar's from 10) divided
-- by n (x multiplier); for a count the count's limit itself. NULL for
-- other kinds and where the counts give no limit. The queries that
-- publish intervals (comparisons, provider_profile, sector_benchmarks)
-- all call it, so their limits are the same arithmetic in the same order.
CREATE OR REPLACE MACRO interval_lower(kind, x, n, events, multiplier, z, exact) AS
    CASE kind WHEN 'proportion' THEN wilson_lower(x, n, z) * multiplier
              WHEN 'rate' THEN poisson_lower(events, z, exact) / n * multiplier
              WHEN 'count' THEN poisson_lower(events, z, exact)
    END
