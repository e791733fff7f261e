-- Where DuckDB spills what does not fit in memory: the scratch folder a
-- publish removes when it ends.
SET temp_directory = $dir
