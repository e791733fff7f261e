-- Under a memory limit, hands memory that finished work freed back to the
-- system sooner: a thread gives back what it cached once it holds 8MB
-- rather than DuckDB's default 128MB, and jemalloc's background threads
-- purge freed pages. DuckDB's limit covers only the memory it accounts
-- for, so this keeps a publish's resident memory nearer to it: at 2
-- million rows and a 400MB limit, peaks of 1.13 and 1.30 GB with it
-- against 1.38 and 1.45 GB without (BENCHMARKS.md).
SET allocator_flush_threshold = '8MB';
SET allocator_background_threads = true
