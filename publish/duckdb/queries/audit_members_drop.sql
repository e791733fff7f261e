-- Drops the audit's stored members (audit_members.sql) once they are read.
DROP TABLE IF EXISTS audit_member_rows
