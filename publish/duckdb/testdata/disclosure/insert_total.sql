-- Test corruption: publishes a council-wide total beside a council's
-- provider rows, copying the key of one of them.
INSERT INTO observations
SELECT council_code, '', NULL, '', service, metric, period, $num, $den, $num / $den * 1000, '',
       period_start, period_end, '', submission_id, 999, received_at
FROM observations
WHERE council_code = $council AND provider_id = $provider AND metric = $metric AND period = $period
