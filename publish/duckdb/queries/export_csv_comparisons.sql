-- Writes the comparisons table to CSV, in stored order, the marker
-- bracketed ([c]), and the provider's id and name made safe for
-- spreadsheets as in export_csv_observations.sql.
COPY (
    SELECT * REPLACE (
        CASE WHEN status = '' THEN '' ELSE '[' || status || ']' END AS status,
        regexp_replace(provider_id, '^([=+@\t\r-])', '''\1') AS provider_id,
        regexp_replace(provider_name, '^([=+@\t\r-])', '''\1') AS provider_name
    )
    FROM comparisons
) TO $path (FORMAT csv, HEADER true, USE_TMP_FILE false, TIMESTAMPFORMAT '%Y-%m-%dT%H:%M:%S.%fZ')
