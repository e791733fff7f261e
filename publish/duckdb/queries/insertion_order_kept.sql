-- Whether this connection keeps the order of an INSERT's rows
-- (preserve_insertion_order), which a session turns on for a statement
-- that stores rows sorted and then puts back as it was.
SELECT current_setting('preserve_insertion_order')::BOOLEAN
