-- Writes the observations table to CSV, in stored order, the marker
-- bracketed ([c]), and every text a council wrote (provider id, name and
-- sector, note) made safe for spreadsheets: a cell starting with =, +, -,
-- @, a tab or a carriage return, which Excel and LibreOffice would run as
-- a formula, gets a leading apostrophe, which they hide (as
-- schemas.SpreadsheetSafe). Parquet, JSON and the DuckDB file keep the
-- text as received.
COPY (
    SELECT * REPLACE (
        CASE WHEN status = '' THEN '' ELSE '[' || status || ']' END AS status,
        regexp_replace(provider_id, '^([=+@\t\r-])', '''\1') AS provider_id,
        regexp_replace(provider_name, '^([=+@\t\r-])', '''\1') AS provider_name,
        regexp_replace(provider_sector, '^([=+@\t\r-])', '''\1') AS provider_sector,
        regexp_replace(note, '^([=+@\t\r-])', '''\1') AS note
    )
    FROM observations
) TO $path (FORMAT csv, HEADER true, USE_TMP_FILE false, TIMESTAMPFORMAT '%Y-%m-%dT%H:%M:%S.%fZ')
