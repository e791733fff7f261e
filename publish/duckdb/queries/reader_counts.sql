-- A release's sizes (schemas.Counts). Councils, providers and periods are
-- those with observations; submissions those with rows in the release;
-- the change counts take the change kinds as parameters, so they follow
-- the schemas.Change* constants.
SELECT (SELECT count(*) FROM observations) AS observations,
       (SELECT count(*) FROM comparisons) AS comparisons,
       (SELECT count(*) FROM metrics) AS metrics,
       (SELECT count(DISTINCT council_code) FROM observations) AS councils,
       (SELECT count(DISTINCT provider_id) FROM observations WHERE provider_id <> '') AS providers,
       (SELECT count(DISTINCT period) FROM observations) AS periods,
       (SELECT count(*) FROM submissions WHERE current_rows > 0) AS submissions,
       (SELECT count(*) FROM changes WHERE change = $revised) AS revised,
       (SELECT count(*) FROM changes WHERE change = $added) AS added,
       (SELECT count(*) FROM changes WHERE change = $withdrawn) AS withdrawn,
       (SELECT count(*) FROM changes WHERE change = $withheld) AS withheld,
       (SELECT count(*) FROM changes WHERE change = $shown) AS shown
