-- Detaches the release database WriteRelease attached, which checkpoints
-- and closes the file. session.detachRelease then lets checkpoints merge
-- row groups again (release_vacuum.sql).
DETACH release
