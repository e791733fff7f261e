-- The key-value metadata yardstick.covers of a snapshot of one period's
-- current rows: the JSON naming the rule that chose its rows and the
-- submissions they were chosen from. $file: the snapshot.
SELECT decode(value)
FROM parquet_kv_metadata($file)
WHERE decode(key) = 'yardstick.covers'
