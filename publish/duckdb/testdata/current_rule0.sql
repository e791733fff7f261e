-- Rewrites a snapshot's rows ($old) at $path as a snapshot made under rule
-- 0 covering submissions a and b.
COPY (FROM read_parquet($old))
TO $path (FORMAT parquet, KV_METADATA {'yardstick.covers': '{"rule":0,"submissions":["a","b"]}'})
