-- The record of this build's interval audit that the next publish reads
-- (WriteAuditRecord writes it to the data folder's audit/<release>.parquet):
-- each council, service and metric's digest (audit_record_digest.sql) as
-- the final audit passed it. It is a table of the build's database, not
-- of this connection, so that WriteAuditRecord's own connection reads it.
CREATE OR REPLACE TABLE audit_record AS
SELECT * FROM audit_record_digest
ORDER BY council_code, service, metric
