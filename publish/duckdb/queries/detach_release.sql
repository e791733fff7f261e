-- Detaches the release database WriteRelease attached, which checkpoints
-- and closes the file.
DETACH release
