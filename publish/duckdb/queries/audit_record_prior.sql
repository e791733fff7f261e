-- The record of an earlier build's audit ($file), read once into a table
-- of this connection, which audit_record_check.sql checks and
-- audit_record_changed.sql compares with: the file is read once, so both
-- read the same rows.
CREATE OR REPLACE TEMP TABLE audit_record_prior AS
SELECT * FROM read_parquet($file)
