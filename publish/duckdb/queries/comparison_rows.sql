-- The rows compared: current observations with their metric's definition
-- and their council's region and type. Comparisons group rows by metric,
-- period, service and level ('provider' for a provider's figure, 'council'
-- for a council-wide one), so a council total is never pooled with the
-- providers it sums, and a metric shared by services is benchmarked within
-- each service.
--   value: NULL for c, x and z; derived from the counts when blank
--          for a proportion, rate or ratio (value_given, the council's
--          own value, is NULL then). A
--          hidden row (c) has no counts either (disclosure control ran
--          on observations first), so no pool or statistic holds it.
--   x, n:  the numerator and denominator where they support an interval
--          and a funnel (a proportion with 0 <= x <= n, or a rate with
--          x >= 0, n > 0); NULL otherwise, and always for a ratio, whose
--          counts are amounts (pounds), not events: it has no sampling
--          model, so no interval, funnel or pool, and its national value
--          is the mean of its values, as for means and scores.
CREATE OR REPLACE TEMP TABLE comparison_rows AS
WITH base AS (
    SELECT o.metric, o.period, o.council_code, o.provider_id, o.provider_name, o.provider_sector,
           o.service, o.numerator, o.denominator, o.status, o.received_at, o.value AS value_given,
           CASE WHEN o.provider_id = '' THEN 'council' ELSE 'provider' END AS level,
           m.kind, m.polarity, m.multiplier,
           c.region, c.council_type,
           CASE WHEN o.status IN ('c', 'x', 'z') THEN NULL
                WHEN o.value IS NOT NULL THEN o.value
                WHEN m.kind IN ('proportion', 'rate', 'ratio') AND o.denominator > 0
                    THEN o.numerator / o.denominator * m.multiplier
           END AS value
    FROM observations o
    JOIN metrics m ON m.id = o.metric
    LEFT JOIN councils c ON c.council_code = o.council_code
)
SELECT *,
       CASE WHEN value IS NOT NULL AND numerator >= 0 AND denominator > 0
                 AND (kind = 'rate' OR (kind = 'proportion' AND numerator <= denominator))
            THEN numerator END AS x,
       CASE WHEN value IS NOT NULL AND numerator >= 0 AND denominator > 0
                 AND (kind = 'rate' OR (kind = 'proportion' AND numerator <= denominator))
            THEN denominator END AS n
FROM base
