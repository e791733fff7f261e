-- An empty register, for a data folder without providers/register.parquet:
-- every provider is then named as most councils name it. The columns are
-- register_load.sql's.
CREATE OR REPLACE TEMP TABLE register_names (
    provider_id VARCHAR, register_name VARCHAR, register_sector VARCHAR, register_sector_source VARCHAR,
    register_aliases VARCHAR[], register_identifiers VARCHAR[], register_rating VARCHAR,
    register_rating_date DATE, register_ratings VARCHAR[]
);
-- What release.json records of the register (register_used.sql): none.
CREATE OR REPLACE TABLE register_used AS
SELECT 'none' AS status, NULL::VARCHAR AS sha256, 0::BIGINT AS providers, '[]' AS imports
