-- Moves the empty comparisons table (comparison_rows.sql) into the release
-- database being written, attached as release (BuildInput.Release), and
-- leaves a view of it in its place, so that the statements that read
-- comparisons read it there. comparisons.sql's batches then go straight
-- into the release file, which holds them compressed on disk: the build's
-- memory does not hold them, and WriteRelease does not copy them
-- (write_release_comparisons.sql). At 20 million rows they are 1.09 GB
-- compressed, and their copy at the end, with the sort it then did, took
-- about 68 s.
CREATE TABLE release.comparisons AS FROM main.comparisons LIMIT 0;
DROP TABLE main.comparisons;
CREATE VIEW main.comparisons AS FROM release.comparisons;
