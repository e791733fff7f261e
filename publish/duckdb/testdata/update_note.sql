-- Fills a table, checkpoints it to disk, then overwrites every row and
-- checkpoints again: the way a database built in place and then hidden
-- with UPDATE leaves the old values in freed blocks.
CREATE TABLE notes AS SELECT i, 'hidden note ' || i AS note FROM range(300000) AS r(i);
CHECKPOINT;
UPDATE notes SET note = 'shown';
CHECKPOINT;
