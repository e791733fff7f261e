-- A cell some earlier release withheld stays withheld ([c], with its
-- value, counts and note removed): that release's totals were published
-- beside it, and showing it now would give back what it protected there
-- (the old total minus the old parts shown, less this figure).
--
-- The rows are found first, by their rowids, and then updated by rowid
-- (no step of Build deletes or inserts a row of observations, so a rowid
-- names one row throughout: disclosure_links.sql). One UPDATE that
-- matched the five columns of the key itself, by (key) IN (SELECT key
-- FROM history_hidden) or by EXISTS, took 49.4-60.8 s at 20 million rows
-- (8,550,933 of 19,950,311 cells withheld), where these two took 12.2 s
-- and 7.7 s (BENCHMARKS.md, "Withheld cells updated by rowid, linked
-- groups added by signature"). Joined to history_hidden itself, as
-- UPDATE ... FROM, the rows would come in the history's order, and
-- DuckDB updates scattered rows many times slower (18 s against 1 s for
-- 112,045 of 303,710 rows of a 300,000-row sample).
CREATE OR REPLACE TEMP TABLE history_hidden_rows AS
SELECT o.rowid AS rid
FROM observations o
SEMI JOIN history_hidden h USING (council_code, provider_id, service, metric, period)
WHERE o.status <> 'c';
UPDATE observations
SET status = 'c', value = NULL, numerator = NULL, denominator = NULL, note = ''
WHERE rowid IN (SELECT rid FROM history_hidden_rows);
DROP TABLE history_hidden_rows
