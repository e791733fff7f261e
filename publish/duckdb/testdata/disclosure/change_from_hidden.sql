-- Test corruption: publishes a change from a hidden previous figure.
UPDATE comparisons
SET change_prev = $change
WHERE council_code = $council AND provider_id = $provider AND metric = $metric AND period = $period
