-- How many rows of the file $path saved observations lacks, each row
-- counted as often as it occurs.
SELECT count(*) FROM (FROM read_parquet($path) EXCEPT ALL FROM observations)
