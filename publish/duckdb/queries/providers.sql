-- One row per provider in the current observations. A provider the
-- provider register knows (register_names, loaded by register_load.sql)
-- has the register's name and sector, whatever any council calls it.
-- Otherwise its name and sector are those the most councils give; on a tie,
-- those of the council that used the id first (the earliest received).
-- Rows are never counted, so one council's long return cannot rename
-- another's provider, and a council cannot take over a name by sending the
-- id last. The other names councils give an id, and those the register
-- once gave it, are its aliases; its identifiers, ratings and where its
-- sector came from are the register's. The columns are those of
-- data/providers.csv (DESIGN.md).
CREATE OR REPLACE TABLE providers AS
WITH names AS (
    SELECT provider_id, provider_name, count(DISTINCT council_code) AS councils,
           min(received_at) AS first_received
    FROM observations WHERE provider_id <> '' AND coalesce(provider_name, '') <> ''
    GROUP BY ALL
),
sectors AS (
    SELECT provider_id, provider_sector, count(DISTINCT council_code) AS councils,
           min(received_at) AS first_received
    FROM observations WHERE provider_id <> '' AND provider_sector <> ''
    GROUP BY ALL
),
seen AS (
    SELECT provider_id,
           count(DISTINCT council_code) AS n_councils,
           list(DISTINCT council_code ORDER BY council_code) AS councils,
           list(DISTINCT service ORDER BY service) AS services,
           min(period_start) AS first_period_start,
           max(period_end) AS last_period_end,
           count(*) AS n_rows
    FROM observations WHERE provider_id <> ''
    GROUP BY provider_id
),
chosen AS (
    SELECT s.*, r.*  EXCLUDE (provider_id),
           (SELECT first(n.provider_name ORDER BY n.councils DESC, n.first_received, n.provider_name)
            FROM names n WHERE n.provider_id = s.provider_id) AS council_name,
           (SELECT first(c.provider_sector ORDER BY c.councils DESC, c.first_received, c.provider_sector)
            FROM sectors c WHERE c.provider_id = s.provider_id) AS council_sector,
           (SELECT list(n.provider_name) FROM names n WHERE n.provider_id = s.provider_id) AS council_names
    FROM seen s
    LEFT JOIN register_names r ON r.provider_id = s.provider_id
),
named AS (
    SELECT *, coalesce(register_name, council_name) AS provider_name
    FROM chosen
)
SELECT provider_id, provider_name,
       coalesce(register_sector, council_sector, '') AS sector,
       CASE WHEN register_sector IS NOT NULL THEN register_sector_source
            WHEN council_sector IS NOT NULL THEN 'councils'' returns'
            ELSE '' END AS sector_source,
       list_sort(list_distinct(list_filter(
           list_concat(coalesce(register_aliases, []), coalesce(council_names, [])),
           a -> a IS DISTINCT FROM provider_name AND a <> ''))) AS aliases,
       coalesce(register_identifiers, []::VARCHAR[]) AS identifiers,
       coalesce(register_rating, '') AS rating,
       register_rating_date AS rating_date,
       coalesce(register_ratings, []::VARCHAR[]) AS ratings,
       n_councils, councils, services, first_period_start, last_period_end, n_rows
FROM named
ORDER BY provider_id
