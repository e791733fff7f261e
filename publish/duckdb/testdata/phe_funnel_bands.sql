SELECT council_code, band_national, band_national_95
FROM comparisons
WHERE metric = $metric AND period = $period
ORDER BY council_code
