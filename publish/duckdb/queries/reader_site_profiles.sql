-- The provider_profile rows of the providers from $first to $last
-- inclusive (a batch of reader_site_profile_batches.sql), by provider,
-- metric, service and period, so the rows of one provider's page arrive
-- together. The table is stored in provider order, so DuckDB may skip the
-- row groups of other providers by their min and max.
SELECT provider_id, provider_name, provider_sector, metric, period, service,
       n_councils, n_values, numerator, denominator, value,
       ci95_lower, ci95_upper, ci998_lower, ci998_upper,
       national_value, z_score, band_national, band_national_adjusted,
       councils_min, councils_q1, councils_median, councils_q3, councils_max, councils_sd
FROM provider_profile
WHERE provider_id BETWEEN $first AND $last
ORDER BY provider_id, metric, service, period
