-- DuckDB's memory limit on this connection as DuckDB writes it, such as
-- "381.4 MiB": Build sizes its batches of comparisons from it.
SELECT current_setting('memory_limit')::VARCHAR
