SELECT s.similar_code, b.council_type, b.social_care, b.waste_collection
FROM similar_councils s
JOIN councils b ON b.council_code = s.similar_code
WHERE s.council_code = ? AND s.responsibility = ?
ORDER BY s.rank
