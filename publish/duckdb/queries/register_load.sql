-- Loads the provider register (providers/register.parquet, written by
-- register_write.sql) as the name and sector each identifier a return may
-- give stands for. A CQC location id stands for the location's own name
-- (a care home), falling back to its provider's; a provider id or an
-- Ofsted URN for the provider's registered name. Company and charity
-- numbers are left out: one company runs many providers that Yardstick
-- compares apart. A blank name (a name Ofsted withholds) or sector is
-- NULL, so the councils' own spelling is used instead.
CREATE OR REPLACE TEMP TABLE register_names AS
WITH r AS (
    SELECT * FROM read_parquet($path)
),
ids AS (
    SELECT l.id AS provider_id, coalesce(nullif(l.name, ''), nullif(r.name, '')) AS name,
           nullif(r.sector, '') AS sector, 1 AS pref
    FROM r, unnest(r.locations) AS u(l)
    UNION ALL
    SELECT i.id, nullif(r.name, ''), nullif(r.sector, ''), 2
    FROM r, unnest(r.identifiers) AS u(i)
    WHERE i.scheme IN ('cqc_provider', 'ofsted_urn', 'cqc_location')
)
SELECT provider_id, name AS register_name, sector AS register_sector
FROM ids
QUALIFY row_number() OVER (PARTITION BY provider_id ORDER BY pref, name NULLS LAST, sector NULLS LAST) = 1
