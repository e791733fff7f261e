-- Adds the figures, cells and linked groups of the disclosure history in
-- the variable history_file (set_history_file.sql) to the history tables,
-- after history_merge_file.sql or history_merge_file_v1.sql has added its
-- releases and sets from the copy history_read_file.sql made (the two
-- formats differ only there), and lets that copy go. They are read from
-- the file itself and added as they are: history_output.sql wrote each of
-- these parts with every row once, and where more than one history is
-- read, history_distinct.sql then keeps each row once. Copying them first
-- and adding each only where the tables lacked it, which hashed every row
-- even into empty tables, took 10.0 s of a third publish of 5 million
-- rows, and this 2.4 s (BENCHMARKS.md, "A publish that failed at 5M").
INSERT INTO history_shown
SELECT council_code, provider_id, service, metric, period, numerator, denominator, value
FROM read_parquet(getvariable('history_file')) WHERE part = 'shown';
INSERT INTO history_hidden
SELECT council_code, provider_id, service, metric, period FROM read_parquet(getvariable('history_file')) WHERE part = 'hidden';
INSERT INTO history_members
SELECT sig, link, council_code, group_provider, service, metric, group_period, provider_id, period,
       is_total, hidden, x, n
FROM read_parquet(getvariable('history_file')) WHERE part = 'member';
DROP TABLE history_file
