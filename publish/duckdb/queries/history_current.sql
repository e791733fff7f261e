-- The release being built, as history_load.sql reads an earlier one
-- (release '' stands for its own id, which Build does not know): what
-- history_derive.sql adds to the history the release carries.
CREATE OR REPLACE TEMP TABLE history_input AS
SELECT '' AS release, council_code, coalesce(provider_id, '') AS provider_id, service, metric, period,
       coalesce(status, '') = 'c' AS hidden,
       CASE WHEN coalesce(status, '') <> 'c' THEN numerator END AS numerator,
       CASE WHEN coalesce(status, '') <> 'c' THEN denominator END AS denominator,
       CASE WHEN coalesce(status, '') <> 'c' THEN value END AS value
FROM observations
