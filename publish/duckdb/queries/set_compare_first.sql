-- The first metric, in text order, of the batch comparisons.sql compares.
SET VARIABLE compare_first = $metric
