-- The last metric, in text order, of the batch comparisons.sql compares
-- and provider_profile.sql profiles.
SET VARIABLE compare_last = $metric
