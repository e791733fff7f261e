-- The providers of the provider_profile table, in the order
-- reader_site_profiles.sql reads them, with how many rows each has, from
-- which reader_site.go makes its batches of providers.
SELECT provider_id, count(*) AS n
FROM provider_profile
GROUP BY ALL
ORDER BY provider_id
