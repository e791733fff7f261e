-- An empty register, for a data folder without providers/register.parquet:
-- every provider is then named as most councils name it. The columns are
-- register_load.sql's.
CREATE OR REPLACE TEMP TABLE register_names (
    provider_id VARCHAR, register_name VARCHAR, register_sector VARCHAR, register_sector_source VARCHAR,
    register_aliases VARCHAR[], register_identifiers VARCHAR[], register_rating VARCHAR,
    register_rating_date DATE, register_ratings VARCHAR[]
)
