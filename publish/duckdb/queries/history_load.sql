-- The figures every earlier release of the data folder published ($files:
-- their data/observations.parquet), which disclosure control treats as
-- known to everyone. One row per release and cell; hidden marks a cell the
-- release withheld ([c]), whose counts it did not publish.
CREATE OR REPLACE TEMP TABLE history_cells AS
SELECT regexp_extract(filename, '([^/\\]+)[/\\]data[/\\][^/\\]+$', 1) AS release,
       council_code, coalesce(provider_id, '') AS provider_id, service, metric, period,
       coalesce(status, '') = 'c' AS hidden,
       CASE WHEN coalesce(status, '') <> 'c' THEN numerator END AS numerator,
       CASE WHEN coalesce(status, '') <> 'c' THEN denominator END AS denominator,
       CASE WHEN coalesce(status, '') <> 'c' THEN value END AS value
FROM read_parquet($files::VARCHAR[], filename = true, union_by_name = true)
