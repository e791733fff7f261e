-- exact_mean(v): the mean of a group's values, from their exact sum.
-- Each value becomes a DECIMAL(38, 12) (DuckDB scales the double by 10^12
-- and rounds, so a value above about 9,000 keeps its double's 16 or so
-- figures rather than all 12 decimals), and the decimals are added
-- without rounding, so the sum, and the mean, do not depend on the order
-- the rows are met in. avg() on doubles adds them in whatever order
-- DuckDB's threads meet them, and its last bits change from one build to
-- the next. A mean of decimal figures often falls exactly halfway between
-- two six-figure roundings (20.97575, TestMeansDoNotDependOnRowOrder),
-- and there sig6 published one figure in one build and the other in the
-- next: of 200,000 random sets of four prices from 10 to 30 with four
-- decimals, 8,894 rounded differently added forwards and backwards (a
-- throwaway count, not kept; the test's set is one of them).
-- The precision is absolute, 10^-12, so a mean below about 10^-6 would
-- lose its sixth figure, which the metrics' units (percentages, rates per
-- their multiplier, pounds, scores) make unlikely. Every value
-- is within 10^12 of 0 (ingest's value_too_large), and the sum is held
-- in 128 bits, so fewer than 10^14 of them always fit.
CREATE OR REPLACE MACRO exact_mean(v) AS
    sum(v::DECIMAL(38, 12))::DOUBLE / nullif(count(v), 0)
