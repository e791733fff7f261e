-- What of the observations the interval audit last read
-- (disclosure_audit.go): each row's rowid, key, status and figures, the
-- columns audit_members.sql reads of observations.
-- disclosure_audit_changed.sql compares the observations with it, so that
-- the next audit reads again only the metrics of a council and service
-- where a cell changed. token names the audit's cache that made it
-- (auditCache), so that a cache never takes another's reading for its own.
CREATE OR REPLACE TEMP TABLE disclosure_audit_seen AS
SELECT $token::BIGINT AS token, rowid AS rid, council_code, provider_id, service, metric, period, status, numerator, denominator, value
FROM observations
