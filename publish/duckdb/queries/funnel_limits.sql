-- Funnel-plot control limits for each benchmark with a target: 100 points
-- spaced evenly on a log scale from the smallest to the largest denominator
-- compared, each with the 95% and 99.8% limits and the 99.8% limits
-- widened for over-dispersion. Values are in the metric's unit, and every
-- figure is published to six significant figures (sig6).
--
-- A proportion's limits are t +/- z sqrt(t(1-t)/n) (Spiegelhalter 2005),
-- held within 0..1 x multiplier: the proportions whose Wilson interval ends
-- at t, so a row lies outside them exactly when its interval excludes t.
--
-- A rate's limits are drawn as PHEindicatormethods' calculate_funnel_limits
-- draws them: from the limits of the count, not a normal approximation.
-- At denominator n the expected count at the target is e = t n; the lower
-- limit is x / n where x is the count whose upper confidence limit is e,
-- and the upper limit x / n where x is the count whose lower limit is e.
-- A row of k events is then below the lower limit exactly when its count's
-- upper limit is below t n, which is when its interval lies wholly below
-- t: the rule band_national and band_national_95 apply. The count limits
-- are those the intervals and bands use, the exact Poisson ones below 10
-- events (poisson_exact) and Byar's from 10, as PHE's
-- assign_funnel_significance uses them, where its calculate_funnel_limits
-- draws the exact ones at every count (0.85% inside these at 10 events,
-- 99.8%). Between whole counts below 10 (and from 9 to Byar's limit of
-- 10) x is interpolated linearly in e: it reaches each whole count k
-- exactly where k's limit is e, all a row's count is compared with; from
-- 10 it solves Byar's formula, which holds for any count, by Newton's
-- method.
-- The lower limit is 0 while e is at most the upper limit of 0 events
-- (no count can be below it); the upper limit is t / (the lower limit of 1
-- event) while e is below that, so that any row with an event is above it.
--
-- The adjusted limits widen the 99.8% ones: t +/- z sqrt(se^2 + tau2)
-- with se from funnel_se, the test band_national_adjusted makes, wherever
-- that is wider than the unadjusted limit. band_national_adjusted is
-- better or worse only where band_national is (the adjustment only
-- widens), so a row lies outside the adjusted limit exactly when it is;
-- for a proportion the adjusted limit is always the wider.
CREATE OR REPLACE TABLE funnel_limits AS
WITH RECURSIVE spans AS (
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
curves AS (
    -- Each rate limit, the level it is drawn at, and the sign of z in
    -- Byar's formula for the count limit it inverts: the lower limit
    -- inverts the upper count limit (+), the upper the lower one (-).
    SELECT * FROM (VALUES ('lower95', $z95, 1), ('upper95', $z95, -1),
                          ('lower998', $z998, 1), ('upper998', $z998, -1)) AS c(curve, z, sign)
),
knots AS (
    -- The count limits at 0 to 10 events, increasing with the count.
    SELECT 'lower95' AS curve, events, upper95 AS bound FROM poisson_exact
    UNION ALL SELECT 'upper95', events, lower95 FROM poisson_exact
    UNION ALL SELECT 'lower998', events, upper998 FROM poisson_exact
    UNION ALL SELECT 'upper998', events, lower998 FROM poisson_exact
    UNION ALL SELECT curve, 10, CASE WHEN sign > 0 THEN byar_upper(10, z) ELSE byar_lower(10, z) END FROM curves
),
bracketed AS (
    -- below counts the knots under e; lo and hi are the knots either
    -- side of it, hi NULL above the last (10 events).
    SELECT p.metric, p.period, p.service, p.level, p.denominator, p.target * p.denominator AS e,
           k.curve,
           count(*) FILTER (WHERE k.bound < p.target * p.denominator) AS below,
           max(k.bound) FILTER (WHERE k.bound < p.target * p.denominator) AS lo,
           min(k.bound) FILTER (WHERE k.bound >= p.target * p.denominator) AS hi
    FROM points p
    CROSS JOIN knots k
    WHERE p.kind = 'rate'
    GROUP BY ALL
),
newton AS (
    -- Byar's count limit at x is (s^2 + c s - 1/9)^3 / s^4, with c = +/- z/3
    -- and s = sqrt(x + 1) for the upper limit, sqrt(x) for the lower. Newton's
    -- method solves log((s^2 + c s - 1/9)^3 / s^4) = log e for s, from the
    -- root of its expansion s^2 + 3 c s + (9 c^2 - 1)/3 = e, which is
    -- within 4% of the count from 10 events; four steps reach the last
    -- digits of a double (within 1e-13 from 10 to 10^9 events).
    SELECT b.metric, b.period, b.service, b.level, b.denominator, b.curve, b.e,
           c.sign * c.z / 3 AS c, 0 AS step,
           (-c.sign * c.z + sqrt(c.z * c.z - 4 * ((c.z * c.z - 1) / 3 - b.e))) / 2 AS s
    FROM bracketed b
    JOIN curves c USING (curve)
    WHERE b.hi IS NULL
    UNION ALL
    SELECT metric, period, service, level, denominator, curve, e, c, step + 1,
           s - (3 * ln(s * s + c * s - 1 / 9) - 4 * ln(s) - ln(e))
               / (3 * (2 * s + c) / (s * s + c * s - 1 / 9) - 4 / s)
    FROM newton
    WHERE step < 4
),
counts AS (
    -- x, the count on each limit at the denominator.
    SELECT b.metric, b.period, b.service, b.level, b.denominator, b.curve,
           CASE WHEN b.below = 0 THEN 0.0
                WHEN b.hi IS NOT NULL THEN b.below - 1 + (b.e - b.lo) / (b.hi - b.lo)
                WHEN c.sign > 0 THEN n.s * n.s - 1
                ELSE n.s * n.s
           END AS x
    FROM bracketed b
    JOIN curves c USING (curve)
    LEFT JOIN newton n ON n.step = 4 AND n.metric = b.metric AND n.period = b.period AND n.service = b.service
                      AND n.level = b.level AND n.denominator = b.denominator AND n.curve = b.curve
),
rate_limits AS (
    SELECT metric, period, service, level, denominator,
           any_value(x / denominator) FILTER (WHERE curve = 'lower95') AS lower95,
           any_value(x / denominator) FILTER (WHERE curve = 'upper95') AS upper95,
           any_value(x / denominator) FILTER (WHERE curve = 'lower998') AS lower998,
           any_value(x / denominator) FILTER (WHERE curve = 'upper998') AS upper998
    FROM counts
    GROUP BY ALL
),
limits AS (
    SELECT p.*,
           funnel_se(p.kind, p.target, p.denominator) AS se,
           CASE p.kind WHEN 'proportion' THEN 1.0 ELSE 'Infinity'::DOUBLE END AS top,
           r.lower95 AS rate_lower95, r.upper95 AS rate_upper95,
           r.lower998 AS rate_lower998, r.upper998 AS rate_upper998
    FROM points p
    LEFT JOIN rate_limits r USING (metric, period, service, level, denominator)
),
drawn AS (
    SELECT *,
           CASE kind WHEN 'rate' THEN rate_lower95 ELSE greatest(0.0, target - $z95 * se) END AS lower95,
           CASE kind WHEN 'rate' THEN rate_upper95 ELSE least(top, target + $z95 * se) END AS upper95,
           CASE kind WHEN 'rate' THEN rate_lower998 ELSE greatest(0.0, target - $z998 * se) END AS lower998,
           CASE kind WHEN 'rate' THEN rate_upper998 ELSE least(top, target + $z998 * se) END AS upper998,
           greatest(0.0, target - $z998 * sqrt(se * se + coalesce(tau2, 0))) AS lower998_z,
           least(top, target + $z998 * sqrt(se * se + coalesce(tau2, 0))) AS upper998_z
    FROM limits
)
SELECT metric, period, service, level, denominator,
       sig6(target * multiplier) AS target,
       sig6(lower95 * multiplier) AS lower95,
       sig6(upper95 * multiplier) AS upper95,
       sig6(lower998 * multiplier) AS lower998,
       sig6(upper998 * multiplier) AS upper998,
       sig6(least(lower998, lower998_z) * multiplier) AS lower998_adjusted,
       sig6(greatest(upper998, upper998_z) * multiplier) AS upper998_adjusted
FROM drawn
ORDER BY metric, period, service, level, denominator
