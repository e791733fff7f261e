-- Test corruption: adds a hidden cell's counts to a benchmark's pool.
UPDATE benchmarks
SET sum_numerator = sum_numerator + $num, sum_denominator = sum_denominator + $den,
    national_n = national_n + 1, n_pooled = n_pooled + 1
WHERE metric = $metric AND period = $period AND level = 'provider'
