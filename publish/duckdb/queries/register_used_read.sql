-- Reads what register_used.sql (or register_none.sql) recorded.
SELECT status, coalesce(sha256, ''), providers, imports FROM register_used
