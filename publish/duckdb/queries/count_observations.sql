-- How many rows observations holds, which loadRows checks against the
-- snapshots' own count.
SELECT count(*) FROM observations
