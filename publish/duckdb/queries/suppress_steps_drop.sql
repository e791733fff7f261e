-- Drops suppress_steps.sql's table once suppression is done.
DROP TABLE IF EXISTS suppress_steps
