-- Test corruption: shows a hidden cell in observations as a value with no
-- counts, as a release built before such values were hidden would.
UPDATE observations
SET status = '', numerator = NULL, denominator = NULL, value = $value
WHERE council_code = $council AND provider_id = $provider AND metric = $metric AND period = $period
