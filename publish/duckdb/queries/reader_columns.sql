-- The columns of table $table in the release file's main schema, in order,
-- with their DuckDB types as DuckDB writes them (VARCHAR, BIGINT, VARCHAR[]).
SELECT column_name, data_type
FROM duckdb_columns()
WHERE database_name = current_database() AND schema_name = 'main' AND table_name = $table
ORDER BY column_index
