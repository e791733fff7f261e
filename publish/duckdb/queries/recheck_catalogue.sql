-- The current observations that the metric catalogue in force would not
-- accept, checked again at publish because the catalogue (catalogue.yaml in
-- the data folder) may have changed since they were ingested. One row per
-- council, period, service, metric and rule, with how many rows break the
-- rule and the first of them (by line in its return) as an example; a row
-- breaking several rules counts under the first below. The rules are
-- ingest's, with its problem codes, so a row that passed ingest passes here
-- for as long as its metric's and service's definitions are unchanged:
--
--   unknown_metric              the metric is not in the catalogue
--   unknown_service             the service is not in the catalogue
--   metric_not_for_service      the metric is not reported for the service
--   zero_denominator            a proportion, rate or ratio with a numerator
--                               and a denominator of 0
--   numerator_over_denominator  a proportion whose numerator is above its
--                               denominator
--   out_of_range                a value below the metric's min or above
--                               its max
--   value_mismatch              a proportion's, rate's or ratio's value further from
--                               numerator / denominator x multiplier (to six
--                               significant figures, as ingest derives it)
--                               than ingest allows: 1% of that figure, or
--                               one unit in the value's last decimal place
--                               (85 -> 1, 85.2 -> 0.1), whichever is more.
--                               The places a council wrote are not stored,
--                               so the fewest that give the value back are
--                               taken, which allows at least what ingest did.
--
-- Counts are not required for a proportion, rate or ratio (a value alone
-- has no interval), and a count, mean or score ignores any counts, as at
-- ingest (schemas.Metric.NeedsCounts).
-- $services: the catalogue's service ids.
WITH current_rows AS (
    SELECT o.council_code, o.period, o.service, o.metric, o.submission_id, o.provider_id, o.source_line,
           o.numerator, o.denominator, o.value,
           m.id AS known_metric, m.kind, m.min, m.max, m.services AS metric_services,
           -- what ingest would derive from the counts now
           CASE WHEN m.kind IN ('proportion', 'rate', 'ratio') AND o.numerator IS NOT NULL AND o.denominator > 0
                THEN sig6(o.numerator::DOUBLE / o.denominator::DOUBLE * m.multiplier)
           END AS derived
    FROM observations o
    LEFT JOIN metrics m ON m.id = o.metric
),
checked AS (
    SELECT *,
           CASE
               WHEN known_metric IS NULL THEN 'unknown_metric'
               WHEN NOT list_contains($services::VARCHAR[], service) THEN 'unknown_service'
               WHEN NOT (list_contains(metric_services, service) OR list_contains(metric_services, '*'))
                   THEN 'metric_not_for_service'
               WHEN kind IN ('proportion', 'rate', 'ratio') AND numerator IS NOT NULL AND denominator = 0
                   THEN 'zero_denominator'
               WHEN kind = 'proportion' AND numerator > denominator THEN 'numerator_over_denominator'
               WHEN value < min OR value > max THEN 'out_of_range'
               -- The tolerance is widened by a thousandth of itself, for
               -- the odd last digit where sig6 and ingest round apart.
               -- The places are worked out only for a value more than 1%
               -- off, hence the nested CASE.
               WHEN derived IS NOT NULL AND value IS NOT NULL
                    AND CASE WHEN abs(value - derived) > 0.01 * abs(derived) * 1.001
                             THEN abs(value - derived) > 1.001 * pow(10, -list_min(list_filter(range(0, 16),
                                      p -> abs(round(value, p::INTEGER) - value) <= 1e-9 * greatest(1, abs(value)))))
                             ELSE false
                        END
                   THEN 'value_mismatch'
           END AS rule
    FROM current_rows
)
SELECT council_code, period, service, metric, submission_id, rule,
       count(*) OVER g AS n_rows, provider_id, source_line, value, numerator, denominator, derived
FROM checked
WHERE rule IS NOT NULL
WINDOW g AS (PARTITION BY council_code, period, service, metric, submission_id, rule)
QUALIFY row_number() OVER (g ORDER BY source_line, provider_id) = 1
ORDER BY council_code, period, service, metric, rule, submission_id
