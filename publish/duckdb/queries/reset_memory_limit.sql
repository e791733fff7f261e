-- Puts DuckDB's memory limit back to its default, 80% of the machine's
-- memory, after a session lowered it for a while (lendMemory).
RESET memory_limit
