-- Test corruption: publishes a trend over a series holding a hidden figure.
UPDATE comparisons
SET trend = 'increasing', trend_direction = 'worse'
WHERE council_code = $council AND provider_id = $provider AND metric = $metric AND period = $period
