-- How the release chose similar councils: the methods in similar_councils,
-- of which a release has one, or none when the table is empty.
SELECT DISTINCT method
FROM similar_councils
ORDER BY method
