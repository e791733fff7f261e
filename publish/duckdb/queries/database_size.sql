-- The size of the attached database release, for the check that a
-- published file holds no free blocks: space DuckDB freed, which keeps the
-- bytes of what it held, readable by anyone with the file.
SELECT total_blocks, used_blocks, free_blocks
FROM pragma_database_size()
WHERE database_name = 'release'
