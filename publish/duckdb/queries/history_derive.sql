-- What a set of releases published, in the form the history tables keep
-- it (history_none.sql), from history_input: one row per release and cell
-- as history_load.sql reads them (release, the cell's key, hidden, and the
-- published numerator, denominator and value). Used for the earlier
-- releases read directly and for the release being built (release ''),
-- with derived_members from history_derive_members.sql (earlier
-- releases) or history_derive_links.sql (the release being built), then
-- history_derive_sets.sql.
CREATE OR REPLACE TEMP TABLE derived_releases AS
SELECT DISTINCT release FROM history_input;
CREATE OR REPLACE TEMP TABLE derived_shown AS
SELECT DISTINCT council_code, provider_id, service, metric, period, numerator, denominator, value
FROM history_input
WHERE NOT hidden;
CREATE OR REPLACE TEMP TABLE derived_hidden AS
SELECT DISTINCT council_code, provider_id, service, metric, period
FROM history_input
WHERE hidden
