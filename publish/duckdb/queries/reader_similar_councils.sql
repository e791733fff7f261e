-- The similar councils of council $code, a list per responsibility (by
-- responsibility), most similar first, with their names from the register.
SELECT s.responsibility, s.similar_code, k.name, s.rank, s.distance, s.method
FROM similar_councils s
LEFT JOIN councils k ON k.council_code = s.similar_code
WHERE s.council_code = $code
ORDER BY s.responsibility, s.rank, s.similar_code
