-- Test corruption: stretches a funnel to a hidden cell's denominator.
UPDATE funnel_limits
SET denominator = $den
WHERE metric = $metric AND period = $period AND level = 'provider'
  AND denominator = (SELECT min(denominator) FROM funnel_limits
                     WHERE metric = $metric AND period = $period AND level = 'provider')
