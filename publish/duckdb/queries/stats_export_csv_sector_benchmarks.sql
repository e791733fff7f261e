-- Writes the sector_benchmarks table to CSV, in stored order, the sector
-- made safe for spreadsheets as in export_csv_observations.sql: it comes
-- from the returns (provider_sector), where a council may write anything.
COPY (
    SELECT * REPLACE (regexp_replace(sector, '^([=+@\t\r-])', '''\1') AS sector)
    FROM sector_benchmarks
) TO $path (FORMAT csv, HEADER true, USE_TMP_FILE false, TIMESTAMPFORMAT '%Y-%m-%dT%H:%M:%S.%fZ')
