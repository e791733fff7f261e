-- What a set of releases published, in the form the history tables keep
-- it (history_none.sql), from history_input: one row per release and cell
-- as history_load.sql reads them (release, the cell's key, hidden, and the
-- published numerator, denominator and value). Used for the earlier
-- releases read directly, with derived_members from
-- history_derive_members.sql, then history_derive_sets.sql. The release
-- being built needs none of these three tables: history_output.sql reads
-- its figures and cells from observations, and history_derive_links.sql
-- gives its derived_members.
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
