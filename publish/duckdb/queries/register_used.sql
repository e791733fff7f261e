-- What release.json records of the provider register a release read
-- (schemas.ProviderRegister): the file's SHA-256, worked out by the caller
-- from the same file, its number of providers, and the imports its facts,
-- locations and ratings come from, each with the day it described (a
-- rating carries its import but not its day, which the import's facts or
-- locations give). A table of the scratch database, not a temporary one,
-- so DB.RegisterUsed reads it after the build's connection has closed;
-- write_release.sql does not copy it into the release.
CREATE OR REPLACE TABLE register_used AS
WITH r AS (
    SELECT * FROM read_parquet($path)
),
src AS (
    SELECT f.source AS id, f.as_at FROM r, unnest(r.facts) AS u(f)
    UNION ALL
    SELECT l.source, l.as_at FROM r, unnest(r.locations) AS u(l)
    UNION ALL
    SELECT x.source, NULL FROM r, unnest(r.ratings) AS u(x)
),
imports AS (
    SELECT id, max(as_at) AS as_at FROM src WHERE coalesce(id, '') <> '' GROUP BY id
)
SELECT 'used' AS status, $sha256::VARCHAR AS sha256, (SELECT count(*) FROM r) AS providers,
       coalesce((SELECT to_json(list({id: id, as_at: as_at} ORDER BY id)) FROM imports)::VARCHAR, '[]') AS imports
