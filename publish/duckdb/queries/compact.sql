-- Checkpoints the build's database and its temporary tables, which
-- compresses the rows written since the last checkpoint as a database
-- file's are (dictionary and FSST for text, bit-packing and ALP for
-- numbers) and drops the versions of rows since updated or deleted. An
-- in-memory database is checkpointed only when asked: until then DuckDB
-- keeps every table uncompressed, and past the memory limit spills it so.
CHECKPOINT;
CHECKPOINT temp
