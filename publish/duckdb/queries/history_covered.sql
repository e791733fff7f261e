-- The releases a disclosure history file ($file) covers; '' is the
-- release that carries it.
SELECT release FROM read_parquet($file::VARCHAR) WHERE part = 'release' ORDER BY release
