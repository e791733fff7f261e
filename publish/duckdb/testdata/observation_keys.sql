SELECT council_code, period, service, provider_id, submission_id, coalesce(value, -1)
FROM observations
ORDER BY ALL
