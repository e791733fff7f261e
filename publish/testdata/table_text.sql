-- Test: every row of a release table ($table) as text, each column cast to
-- VARCHAR, so a test can look for a value anywhere in the table.
SELECT CAST(COLUMNS(*) AS VARCHAR) FROM query_table($table)
