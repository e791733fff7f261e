-- Whether the database keeps the order of an INSERT's rows
-- (preserve_insertion_order, a setting of the whole database), which a
-- session turns on for a statement that stores rows sorted and then puts
-- back as it was (session.keepingOrder).
SELECT current_setting('preserve_insertion_order')::BOOLEAN
