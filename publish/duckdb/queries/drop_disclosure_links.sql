-- Drops the scratch table of disclosure control.
DROP TABLE IF EXISTS disclosure_links
