-- Writes the providers table to CSV with councils and services as their
-- items joined by semicolons, the form a release's CSV files use, rather
-- than DuckDB's [a, b], and the text councils wrote made safe for
-- spreadsheets as in export_csv_observations.sql. The columns stay the
-- table's, in order.
COPY (
    SELECT * REPLACE (
        regexp_replace(provider_id, '^([=+@\t\r-])', '''\1') AS provider_id,
        regexp_replace(provider_name, '^([=+@\t\r-])', '''\1') AS provider_name,
        regexp_replace(sector, '^([=+@\t\r-])', '''\1') AS sector,
        array_to_string(councils, ';') AS councils,
        array_to_string(list_transform(services, s -> regexp_replace(s, '^([=+@\t\r-])', '''\1')), ';') AS services
    )
    FROM providers
    ORDER BY provider_id
) TO $path (FORMAT csv, HEADER true)
