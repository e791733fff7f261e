-- Drops the scratch tables of disclosure control's history and audit.
DROP TABLE IF EXISTS history_cells;
DROP TABLE IF EXISTS history_input;
DROP TABLE IF EXISTS history_file;
DROP TABLE IF EXISTS history_releases;
DROP TABLE IF EXISTS history_shown;
DROP TABLE IF EXISTS history_hidden;
DROP TABLE IF EXISTS history_members;
DROP TABLE IF EXISTS history_appears;
DROP TABLE IF EXISTS derived_releases;
DROP TABLE IF EXISTS derived_shown;
DROP TABLE IF EXISTS derived_hidden;
DROP TABLE IF EXISTS derived_members;
DROP TABLE IF EXISTS history_known;
DROP TABLE IF EXISTS disclosure_truth
