-- The statement write_release.sql uses for observations, on its own.
CREATE TABLE release.observations AS SELECT * FROM observations ORDER BY metric, period, council_code, provider_id, service
