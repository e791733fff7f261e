-- Test corruption: adds a hidden cell's counts to a provider profile.
UPDATE provider_profile
SET numerator = numerator + $num, denominator = denominator + $den, n_values = n_values + 1
WHERE provider_id = $provider AND metric = $metric AND period = $period
