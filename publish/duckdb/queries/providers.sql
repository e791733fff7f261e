-- One row per provider in the current observations. A provider's name and
-- sector are those most councils' rows give, the latest received winning a
-- tie. The columns are those of data/providers.csv (DESIGN.md).
CREATE OR REPLACE TABLE providers AS
WITH names AS (
    SELECT provider_id, provider_name, count(*) AS rows, max(received_at) AS latest
    FROM observations WHERE provider_id <> '' AND coalesce(provider_name, '') <> ''
    GROUP BY ALL
),
sectors AS (
    SELECT provider_id, provider_sector, count(*) AS rows, max(received_at) AS latest
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
)
SELECT s.provider_id,
       (SELECT first(n.provider_name ORDER BY n.rows DESC, n.latest DESC, n.provider_name)
        FROM names n WHERE n.provider_id = s.provider_id) AS provider_name,
       coalesce((SELECT first(c.provider_sector ORDER BY c.rows DESC, c.latest DESC, c.provider_sector)
                 FROM sectors c WHERE c.provider_id = s.provider_id), '') AS sector,
       s.n_councils, s.councils, s.services, s.first_period_start, s.last_period_end, s.n_rows
FROM seen s
ORDER BY s.provider_id
