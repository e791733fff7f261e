-- Codes in peer-groups.csv that are not the current GSS code of a council.
SELECT DISTINCT p.council_code
FROM peer_groups p
LEFT JOIN councils c ON c.council_code = p.council_code
WHERE c.council_code IS NULL
ORDER BY p.council_code
