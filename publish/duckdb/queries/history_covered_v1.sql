-- The releases a disclosure history file in the first format ($file; no
-- sig_set column) covers; it recorded no SHA-256 of any release.json.
-- Release '' is the one that carries it.
SELECT release, '' FROM read_parquet($file::VARCHAR) WHERE part = 'release' ORDER BY ALL
