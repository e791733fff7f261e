-- 300,000 observation keys in a shuffled order, more than two of DuckDB's
-- row groups (122,880 rows), in the scratch database, with the text
-- columns the CSV export makes safe for spreadsheets.
CREATE TABLE observations AS
SELECT 'm' || (i % 7) AS metric, '2024-25-Q' || (1 + i % 4) AS period, 'E0' || lpad((i % 317)::VARCHAR, 7, '0') AS council_code,
       'P' || i AS provider_id, 'homecare' AS service, '' AS status,
       '' AS provider_name, '' AS provider_sector, '' AS note
FROM range(300000) AS r(i)
ORDER BY hash(i)
