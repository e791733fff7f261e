-- Writes the metrics table to CSV with services as their items joined by
-- semicolons, the form a release's CSV files use, rather than DuckDB's
-- [a, b], and the text of a data folder's catalogue.yaml made safe for
-- spreadsheets as in export_csv_observations.sql. The columns stay the
-- table's, in order.
COPY (
    SELECT * REPLACE (
        regexp_replace(id, '^([=+@\t\r-])', '''\1') AS id,
        regexp_replace(title, '^([=+@\t\r-])', '''\1') AS title,
        array_to_string(list_transform(services, s -> regexp_replace(s, '^([=+@\t\r-])', '''\1')), ';') AS services,
        regexp_replace(description, '^([=+@\t\r-])', '''\1') AS description,
        regexp_replace(numerator, '^([=+@\t\r-])', '''\1') AS numerator,
        regexp_replace(denominator, '^([=+@\t\r-])', '''\1') AS denominator,
        regexp_replace(source, '^([=+@\t\r-])', '''\1') AS source
    )
    FROM metrics
    ORDER BY id
) TO $path (FORMAT csv, HEADER true, USE_TMP_FILE false)
