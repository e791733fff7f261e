-- Every council's similar councils, by council, responsibility and rank,
-- with their names from the register.
SELECT s.council_code, s.responsibility, s.similar_code, k.name, s.rank, s.distance, s.method
FROM similar_councils s
LEFT JOIN councils k ON k.council_code = s.similar_code
ORDER BY s.council_code, s.responsibility, s.rank, s.similar_code
