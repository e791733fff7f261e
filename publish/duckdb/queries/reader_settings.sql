-- The settings OpenRelease relies on, read back after the database is
-- opened, so that a configuration DuckDB did not apply is caught rather than
-- trusted.
SELECT current_setting('access_mode')::VARCHAR AS access_mode,
       current_setting('enable_external_access')::BOOLEAN AS enable_external_access,
       current_setting('lock_configuration')::BOOLEAN AS lock_configuration,
       current_setting('autoload_known_extensions')::BOOLEAN AS autoload_known_extensions,
       current_setting('autoinstall_known_extensions')::BOOLEAN AS autoinstall_known_extensions,
       current_setting('allow_community_extensions')::BOOLEAN AS allow_community_extensions,
       current_setting('threads')::BIGINT AS threads,
       current_setting('temp_directory')::VARCHAR AS temp_directory
