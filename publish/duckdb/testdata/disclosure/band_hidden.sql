-- Test corruption: bands a hidden cell against England at 95%.
UPDATE comparisons
SET band_national_95 = 'worse'
WHERE council_code = $council AND provider_id = $provider AND metric = $metric AND period = $period
