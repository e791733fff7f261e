-- How many rows one of Build's tables holds, for the build's log; $table
-- is a name from Build's own list of steps, never user input.
SELECT count(*) FROM query_table($table)
