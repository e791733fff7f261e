-- The connection's settings, for tests that check Open's init hook applied
-- them to every connection.
SELECT current_setting('threads')::VARCHAR AS threads,
       current_setting('memory_limit')::VARCHAR AS memory_limit,
       current_setting('preserve_insertion_order')::VARCHAR AS preserve_insertion_order
