-- Saves the observations table to $path, to compare a later load with.
COPY observations TO $path (FORMAT parquet)
