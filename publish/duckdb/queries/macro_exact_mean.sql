-- exact_mean(v): the mean of a group's values, from their exact sum. Each
-- value is taken to 12 decimal places (a DECIMAL(38, 12)) and the values
-- are added as such, without rounding, so the sum, and the mean, do not
-- depend on the order the rows are met in. avg() on doubles adds them in whatever order DuckDB's threads
-- meet them, and its last bits change from one build to the next. A mean
-- of decimal figures often falls exactly halfway between two six-figure
-- roundings (20.97575, TestMeansDoNotDependOnRowOrder), and there sig6
-- published one figure in one build and the other in the next: of 200,000
-- random sets of four prices of four decimals, 8,894 rounded differently
-- added forwards and backwards.
-- Every value is within 10^12 of 0 (ingest's value_too_large), so the sum
-- of 10^14 of them still fits.
CREATE OR REPLACE MACRO exact_mean(v) AS
    sum(v::DECIMAL(38, 12))::DOUBLE / nullif(count(v), 0)
