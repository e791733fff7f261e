-- Drops the scratch tables of disclosure control.
DROP TABLE IF EXISTS disclosure_links;
DROP TABLE IF EXISTS link_cells
