-- Drops the scratch tables a build leaves behind: comparison_rows on its
-- connection, and the exact Poisson limits the macros read.
DROP TABLE IF EXISTS comparison_rows;
DROP TABLE IF EXISTS poisson_exact
