-- Detaches the release database WriteRelease attached, which checkpoints
-- and closes the file, and lets checkpoints merge row groups again
-- (release_no_vacuum.sql).
DETACH release;
RESET max_vacuum_tasks
