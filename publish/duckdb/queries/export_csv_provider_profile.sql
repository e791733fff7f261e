-- Writes the provider_profile table to CSV, in stored order, with the
-- provider's id, name and sector made safe for spreadsheets as in
-- export_csv_observations.sql: they come from councils' returns and the
-- regulators' registers, where anything may be written.
COPY (
    SELECT * REPLACE (
        regexp_replace(provider_id, '^([=+@\t\r-])', '''\1') AS provider_id,
        regexp_replace(provider_name, '^([=+@\t\r-])', '''\1') AS provider_name,
        regexp_replace(provider_sector, '^([=+@\t\r-])', '''\1') AS provider_sector
    )
    FROM provider_profile
) TO $path (FORMAT csv, HEADER true, USE_TMP_FILE false)
