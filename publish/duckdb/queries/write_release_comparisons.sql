-- Copies comparisons into the release database attached as release, when
-- Build did not write them there itself (BuildInput.Release unset), in
-- the order Build stored them, which is their key's (comparisons.sql).
CREATE TABLE release.comparisons AS SELECT * FROM comparisons;
