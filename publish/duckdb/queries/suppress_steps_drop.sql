-- Drops suppress_steps.sql's table, and suppress_linked_targets.sql's,
-- once suppression is done.
DROP TABLE IF EXISTS suppress_steps;
DROP TABLE IF EXISTS suppress_linked_targets
