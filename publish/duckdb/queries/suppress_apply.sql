-- Hides the cells suppress_secondary.sql or suppress_linked.sql picked in
-- step $step: each becomes [c], with its value, counts and note removed.
-- A semi-join on rowid, so the rows are updated in the table's own order
-- (suppress_history.sql).
UPDATE observations
SET status = 'c', value = NULL, numerator = NULL, denominator = NULL, note = ''
WHERE rowid IN (SELECT rid FROM suppress_steps WHERE step = $step)
