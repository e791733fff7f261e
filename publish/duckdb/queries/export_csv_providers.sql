-- Writes the providers table to CSV with its lists (councils, services,
-- aliases, identifiers, ratings) as their items joined by semicolons, the
-- form a release's CSV files use, rather than DuckDB's [a, b], and the text
-- councils and registers wrote made safe for spreadsheets as in
-- export_csv_observations.sql: a cell starting with = + - @ or a tab or
-- carriage return gets a leading quote, in a list's every item. The
-- columns stay the table's, in order.
COPY (
    SELECT * REPLACE (
        regexp_replace(provider_id, '^([=+@\t\r-])', '''\1') AS provider_id,
        regexp_replace(provider_name, '^([=+@\t\r-])', '''\1') AS provider_name,
        regexp_replace(sector, '^([=+@\t\r-])', '''\1') AS sector,
        regexp_replace(sector_source, '^([=+@\t\r-])', '''\1') AS sector_source,
        array_to_string(list_transform(aliases, s -> regexp_replace(s, '^([=+@\t\r-])', '''\1')), ';') AS aliases,
        array_to_string(list_transform(identifiers, s -> regexp_replace(s, '^([=+@\t\r-])', '''\1')), ';') AS identifiers,
        regexp_replace(rating, '^([=+@\t\r-])', '''\1') AS rating,
        array_to_string(list_transform(ratings, s -> regexp_replace(s, '^([=+@\t\r-])', '''\1')), ';') AS ratings,
        array_to_string(councils, ';') AS councils,
        array_to_string(list_transform(services, s -> regexp_replace(s, '^([=+@\t\r-])', '''\1')), ';') AS services
    )
    FROM providers
    ORDER BY provider_id
) TO $path (FORMAT csv, HEADER true, USE_TMP_FILE false)
