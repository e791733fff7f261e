-- The cells some earlier release published (status other than [c]), one
-- row each: everyone has seen them, so none is ever hidden as the
-- complement that protects another, whatever its figures are now.
--
--   known    an earlier release published the counts the cell has now
--            (disclosure_truth), numerator and denominator each equal, a
--            count's value equal, however the value is written (3.67 for
--            3.66667); for a row with no count, its value equal: in a
--            linked group it counts as published whatever its status now
--   known_x  an earlier release published the numerator it has now
--   known_n  an earlier release published the denominator it has now
--
-- Counts are compared as given or implied by the value
-- (implied_numerator, implied_denominator), as a reader would take them.
CREATE OR REPLACE TEMP TABLE history_known AS
WITH shown AS (
    SELECT h.council_code, h.provider_id, h.service, h.metric, h.period, h.value,
           implied_numerator(m.kind, m.multiplier, h.numerator, h.denominator, h.value) AS x,
           implied_denominator(m.kind, m.multiplier, h.numerator, h.denominator, h.value) AS n
    FROM history_shown h
    JOIN metrics m ON m.id = h.metric
)
SELECT s.council_code, s.provider_id, s.service, s.metric, s.period,
       coalesce(bool_or(t.status <> 'c' AND s.x IS NOT DISTINCT FROM t.x AND s.n IS NOT DISTINCT FROM t.n
                        AND (t.x IS NOT NULL OR t.n IS NOT NULL OR s.value IS NOT DISTINCT FROM t.value)),
                false) AS known,
       coalesce(bool_or(t.x IS NOT NULL AND s.x = t.x), false) AS known_x,
       coalesce(bool_or(t.n IS NOT NULL AND s.n = t.n), false) AS known_n
FROM shown s
LEFT JOIN disclosure_truth t USING (council_code, provider_id, service, metric, period)
GROUP BY s.council_code, s.provider_id, s.service, s.metric, s.period
