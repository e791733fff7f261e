-- Drops the scratch tables of disclosure control's history and audit.
DROP TABLE IF EXISTS history_cells;
DROP TABLE IF EXISTS history_known;
DROP TABLE IF EXISTS disclosure_truth
