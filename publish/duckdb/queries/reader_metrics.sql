-- The metrics table, by id: every metric when $id is '', else the one.
SELECT id, title, kind, unit, multiplier, polarity, "min", "max", disclosure, services,
       description, numerator, denominator, source
FROM metrics
WHERE $id = '' OR id = $id
ORDER BY id
