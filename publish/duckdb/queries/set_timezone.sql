-- Timestamps are read and written in UTC, whatever the machine's zone, so
-- the ISO 8601 times in exported CSV (with a trailing Z) are true.
SET TimeZone = 'UTC'
