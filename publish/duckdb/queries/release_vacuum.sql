-- Lets DuckDB's checkpoints merge row groups again, once the release
-- database is detached or could not be attached (release_no_vacuum.sql).
RESET max_vacuum_tasks
