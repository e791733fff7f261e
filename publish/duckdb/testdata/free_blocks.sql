-- The main database's block counts.
SELECT total_blocks, used_blocks, free_blocks FROM pragma_database_size() WHERE database_name = current_database()
