-- Loads the provider register (providers/register.parquet, written by
-- register_write.sql) as what each identifier a return may give stands
-- for. A CQC location id stands for the location (a care home): its own
-- name, falling back to its provider's, its own ratings, and of the
-- provider's identifiers its own and the provider's rather than every
-- other location's. A provider id or an Ofsted URN stands for the
-- provider: its registered name, every rating, every identifier. Company
-- and charity numbers are left out as ids returns may give: one company
-- runs many providers that Yardstick compares apart. A blank name (a name
-- Ofsted withholds) or sector is NULL, so the councils' own spelling is
-- used instead.
--
-- The sector's source names the regulator, the day its register
-- described and the import it came from. A provider never mixes the
-- regulators (registers/doc.go: rows are grouped by one regulator's ids),
-- so the regulator is the one its identifiers belong to. Identifiers are
-- written scheme:id, ratings "date rating", with the location rated in
-- brackets where it is not the provider itself, oldest first (an undated
-- one, written "undated", last).
CREATE OR REPLACE TEMP TABLE register_names AS
WITH r AS (
    SELECT *,
           CASE WHEN list_contains(list_transform(identifiers, i -> i.scheme), 'ofsted_urn') THEN 'Ofsted' ELSE 'CQC' END AS regulator
    FROM read_parquet($path)
),
ids AS (
    SELECT l.id AS provider_id, coalesce(nullif(l.name, ''), nullif(r.name, '')) AS name,
           nullif(r.sector, '') AS sector, r.sector_as_at, r.sector_source, r.regulator,
           -- A location's trading names; read through JSON so that a
           -- register written before locations carried them still loads.
           CASE WHEN l.id = r.provider_id THEN r.aliases
                ELSE coalesce(CAST(json_extract(to_json(l), '$.aliases') AS VARCHAR[]), []) END AS aliases,
           list_filter(r.identifiers, i -> i.scheme <> 'cqc_location' OR i.id = l.id) AS identifiers,
           list_filter(r.ratings, x -> x.subject = l.id) AS ratings,
           1 AS pref
    FROM r, unnest(r.locations) AS u(l)
    UNION ALL
    SELECT i.id, nullif(r.name, ''), nullif(r.sector, ''), r.sector_as_at, r.sector_source, r.regulator,
           r.aliases, r.identifiers, r.ratings, 2
    FROM r, unnest(r.identifiers) AS u(i)
    WHERE i.scheme IN ('cqc_provider', 'ofsted_urn', 'cqc_location')
),
chosen AS (
    SELECT *
    FROM ids
    QUALIFY row_number() OVER (PARTITION BY provider_id ORDER BY pref, name NULLS LAST, sector NULLS LAST) = 1
)
SELECT provider_id, name AS register_name, sector AS register_sector,
       CASE WHEN sector IS NOT NULL THEN
           regulator || ' register' || coalesce(' as at ' || sector_as_at::VARCHAR, '') ||
           CASE WHEN coalesce(sector_source, '') <> '' THEN ', import ' || sector_source ELSE '' END
       END AS register_sector_source,
       coalesce(aliases, []::VARCHAR[]) AS register_aliases,
       list_sort(list_transform(coalesce(identifiers, []), i -> i.scheme || ':' || i.id)) AS register_identifiers,
       -- The latest dated rating of the id itself: CQC rates locations,
       -- so a provider id's headline would otherwise be one home's rating
       -- shown as the provider's; its locations' ratings stay in the
       -- history, each naming its location. An undated rating is in the
       -- history but is never the latest.
       (list_sort(list_transform(list_filter(coalesce(ratings, []), x -> x.date IS NOT NULL AND x.subject = provider_id),
                                 x -> {d: x.date, r: x.rating}), 'DESC'))[1].r AS register_rating,
       (list_sort(list_transform(list_filter(coalesce(ratings, []), x -> x.date IS NOT NULL AND x.subject = provider_id),
                                 x -> {d: x.date, r: x.rating}), 'DESC'))[1].d AS register_rating_date,
       list_transform(list_sort(list_transform(coalesce(ratings, []), x -> {d: x.date, s: x.subject, r: x.rating})),
                      x -> coalesce(x.d::VARCHAR, 'undated') || ' ' || x.r ||
                           CASE WHEN x.s <> provider_id THEN ' (' || x.s || ')' ELSE '' END) AS register_ratings
FROM chosen
