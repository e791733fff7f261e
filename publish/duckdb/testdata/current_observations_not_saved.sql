-- How many rows of observations the file $path saved lacks, each row
-- counted as often as it occurs.
SELECT count(*) FROM (FROM observations EXCEPT ALL FROM read_parquet($path))
