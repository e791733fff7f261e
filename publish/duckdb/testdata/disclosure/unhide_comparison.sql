-- Test corruption: shows a hidden cell in comparisons with the given
-- counts.
UPDATE comparisons
SET status = '', numerator = $num, denominator = $den, value = $num / $den * 1000
WHERE council_code = $council AND provider_id = $provider AND metric = $metric AND period = $period
