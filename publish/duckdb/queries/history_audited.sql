-- Whether this connection holds disclosure_truth, the councils' own
-- figures that Build records and the interval audit needs.
SELECT count(*) > 0
FROM duckdb_tables()
WHERE temporary AND table_name = 'disclosure_truth'
