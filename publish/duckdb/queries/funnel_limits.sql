-- Funnel-plot control limits for each benchmark with a target: 100 points
-- spaced evenly on a log scale from the smallest to the largest denominator
-- compared, each with the limits target +/- z se(n) (Spiegelhalter 2005) at
-- 95% and 99.8%, and the 99.8% limits widened by the over-dispersion
-- adjustment, target +/- z sqrt(se(n)^2 + tau2). Values are in the metric's
-- unit; a proportion's limits are held within 0..1 x multiplier and a
-- rate's above 0. Every figure is published to six significant figures
-- (sig6).
CREATE OR REPLACE TABLE funnel_limits AS
WITH spans AS (
    SELECT b.metric, b.period, b.service, b.level, b.kind, b.multiplier, b.target, b.tau2,
           min(r.n) AS lo, max(r.n) AS hi
    FROM benchmarks b
    JOIN comparison_rows r USING (metric, period, service, level)
    WHERE b.target IS NOT NULL AND r.n IS NOT NULL
    GROUP BY ALL
),
points AS (
    -- The ends are the smallest and largest denominators exactly; the
    -- points between are computed, so published to six figures, and held
    -- within the ends: rounding 1,371,282 to six figures gives 1,371,280,
    -- a denominator outside the span, which would say something about the
    -- rows compared that they do not (and the disclosure check refuses).
    SELECT DISTINCT s.*,
           CASE WHEN i = 0 THEN s.lo WHEN i = 99 THEN s.hi
                ELSE least(s.hi, greatest(s.lo, sig6(s.lo * power(s.hi / s.lo, i / 99)))) END AS denominator
    FROM spans s CROSS JOIN range(100) AS steps(i)
),
limits AS (
    SELECT *,
           funnel_se(kind, target, denominator) AS se,
           CASE kind WHEN 'proportion' THEN 1.0 ELSE 'Infinity'::DOUBLE END AS top
    FROM points
)
SELECT metric, period, service, level, denominator,
       sig6(target * multiplier) AS target,
       sig6(greatest(0.0, target - $z95 * se) * multiplier) AS lower95,
       sig6(least(top, target + $z95 * se) * multiplier) AS upper95,
       sig6(greatest(0.0, target - $z998 * se) * multiplier) AS lower998,
       sig6(least(top, target + $z998 * se) * multiplier) AS upper998,
       sig6(greatest(0.0, target - $z998 * sqrt(se * se + coalesce(tau2, 0))) * multiplier) AS lower998_adjusted,
       sig6(least(top, target + $z998 * sqrt(se * se + coalesce(tau2, 0))) * multiplier) AS upper998_adjusted
FROM limits
ORDER BY metric, period, service, level, denominator
