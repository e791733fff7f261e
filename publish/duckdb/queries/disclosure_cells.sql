-- The keys of the observations whose rowids $rids lists: the cells the
-- exact test (disclosure_hidden.sql) found pinned down.
SELECT rowid, council_code, provider_id, service, metric, period
FROM observations
WHERE rowid IN (SELECT unnest($rids::BIGINT[]))
