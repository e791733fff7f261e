-- PHE's test proportions have numerators with decimals (derived from
-- percentages); a return's numerator is a whole number.
ALTER TABLE observations ALTER numerator TYPE DOUBLE
