-- The earlier releases read directly (history_cells), as history_derive.sql
-- reads them.
CREATE OR REPLACE TEMP TABLE history_input AS SELECT * FROM history_cells
