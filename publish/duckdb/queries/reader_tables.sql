-- The tables and views of the release file itself (not the temporary
-- catalogue), schema-qualified outside main.
SELECT CASE WHEN table_schema = 'main' THEN table_name ELSE table_schema || '.' || table_name END AS name
FROM information_schema.tables
WHERE table_catalog = current_database()
ORDER BY name
