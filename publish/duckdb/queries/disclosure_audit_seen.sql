-- What of the observations the interval audit last read
-- (disclosure_audit.go), as a digest by council, service and metric
-- (audit_digest). disclosure_audit_changed.sql compares the observations
-- with it, so that the next audit reads again only the metrics of a
-- council and service where a cell changed. token names the audit's cache
-- that made it (auditCache), so that a cache never takes another's
-- reading for its own.
CREATE OR REPLACE TEMP TABLE disclosure_audit_seen AS
SELECT $token::BIGINT AS token, *
FROM audit_digest
