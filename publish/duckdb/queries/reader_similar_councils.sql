-- The similar councils of council $code, most similar first, with their
-- names from the register.
SELECT s.similar_code, k.name, s.rank, s.distance, s.method
FROM similar_councils s
LEFT JOIN councils k ON k.council_code = s.similar_code
WHERE s.council_code = $code
ORDER BY s.rank, s.similar_code
