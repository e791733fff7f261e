-- Fills the metrics table's disclosure columns (alter_metrics_disclosure)
-- from the catalogue: $ids with, in the same order, $numerator_counts,
-- $denominator_counts, $small_counts and $min_denominators (0 for a
-- metric without disclosure small_counts, stored as NULL).
UPDATE metrics m
SET numerator_count = r.numerator_count, denominator_count = r.denominator_count,
    small_count = nullif(r.small_count, 0), min_denominator = nullif(r.min_denominator, 0)
FROM (
    SELECT unnest($ids::VARCHAR[]) AS id,
           unnest($numerator_counts::VARCHAR[]) AS numerator_count,
           unnest($denominator_counts::VARCHAR[]) AS denominator_count,
           unnest($small_counts::BIGINT[]) AS small_count,
           unnest($min_denominators::BIGINT[]) AS min_denominator
) r
WHERE m.id = r.id
