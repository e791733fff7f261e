-- Drops the scratch tables a build leaves on its connection.
DROP TABLE IF EXISTS comparison_rows
