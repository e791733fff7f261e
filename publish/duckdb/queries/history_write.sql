-- Writes the disclosure history Build left (history_output.sql) to a
-- Parquet file, in its stored order.
COPY disclosure_history TO $path (FORMAT parquet, COMPRESSION zstd)
