-- Drops the record of the audit a Build that failed on this database may
-- have left (audit_record.sql), so that WriteAuditRecord never writes a
-- record but the last Build's, made once its check passed.
DROP TABLE IF EXISTS audit_record
