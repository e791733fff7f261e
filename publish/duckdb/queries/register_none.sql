-- An empty register, for a data folder without providers/register.parquet:
-- every provider is then named as most councils name it.
CREATE OR REPLACE TEMP TABLE register_names (provider_id VARCHAR, register_name VARCHAR, register_sector VARCHAR)
