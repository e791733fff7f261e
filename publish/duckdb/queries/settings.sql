-- The settings a connection sees, for tests that check Open applied them:
-- the database's, which every connection shares, and the connection's own
-- time zone.
SELECT current_setting('threads')::VARCHAR AS threads,
       current_setting('memory_limit')::VARCHAR AS memory_limit,
       current_setting('preserve_insertion_order')::VARCHAR AS preserve_insertion_order,
       current_setting('TimeZone')::VARCHAR AS time_zone
