-- A release reader (OpenRelease), once its temp folder is set: no query
-- reads or writes any file but the database and that folder, and no
-- statement can change any setting after.
SET enable_external_access = false;
SET lock_configuration = true
