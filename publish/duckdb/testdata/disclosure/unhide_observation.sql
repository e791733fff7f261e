-- Test corruption: shows a hidden cell in observations with the given
-- counts, as a faulty suppression would.
UPDATE observations
SET status = '', numerator = $num, denominator = $den, value = $num / $den * 1000
WHERE council_code = $council AND provider_id = $provider AND metric = $metric AND period = $period
