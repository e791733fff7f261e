SELECT council_code, responsibility, similar_code, rank, CASE WHEN distance IS NULL THEN NULL ELSE printf('%.6f', distance) END, method
FROM similar_councils
ORDER BY council_code, responsibility, rank
