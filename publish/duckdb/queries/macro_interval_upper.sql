-- interval_upper(kind, x, n, events, multiplier, z, exact): the upper
-- confidence limit at level z of a row's published figure, by its kind,
-- as interval_lower: Wilson's for a proportion, the count's
-- poisson_upper limit / n x multiplier for a rate, the count's limit for
-- a count; NULL otherwise.
CREATE OR REPLACE MACRO interval_upper(kind, x, n, events, multiplier, z, exact) AS
    CASE kind WHEN 'proportion' THEN wilson_upper(x, n, z) * multiplier
              WHEN 'rate' THEN poisson_upper(events, z, exact) / n * multiplier
              WHEN 'count' THEN poisson_upper(events, z, exact)
    END
