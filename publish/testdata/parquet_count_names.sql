-- Counts the rows of a Parquet file of observations whose provider name is
-- one of the given texts, exactly as given.
SELECT count(*) FROM read_parquet($1) WHERE list_contains($2::VARCHAR[], provider_name)
