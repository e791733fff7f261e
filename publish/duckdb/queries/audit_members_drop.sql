-- Drops the audit's stored members (audit_members.sql) once they are
-- read, and the units they were read for (audit_scope.sql).
DROP TABLE IF EXISTS audit_member_rows;
DROP TABLE IF EXISTS audit_scope
