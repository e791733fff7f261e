-- The metrics table, by id: every metric when $id is '', else the one.
SELECT id, title, kind, unit, multiplier, polarity, "min", "max", disclosure, services,
       description, numerator, denominator, source,
       numerator_count, denominator_count, small_count, min_denominator
FROM metrics
WHERE $id = '' OR id = $id
ORDER BY id
