-- The release being built, as history_load.sql reads an earlier one
-- (release '' stands for its own id, which Build does not know), for
-- history_derive.sql and history_derive_members.sql to read as they read
-- an earlier release. recordHistory does not run it: history_output.sql
-- reads the release's figures from observations, and
-- history_derive_links.sql its groups from disclosure_links.
-- TestHistoryDeriveFromLinks and TestHistoryOutput run it to show that
-- both give what the copy gives.
CREATE OR REPLACE TEMP TABLE history_input AS
SELECT '' AS release, council_code, coalesce(provider_id, '') AS provider_id, service, metric, period,
       coalesce(status, '') = 'c' AS hidden,
       CASE WHEN coalesce(status, '') <> 'c' THEN numerator END AS numerator,
       CASE WHEN coalesce(status, '') <> 'c' THEN denominator END AS denominator,
       CASE WHEN coalesce(status, '') <> 'c' THEN value END AS value
FROM observations
