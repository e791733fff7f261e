-- Every council of the register, by code, and whether the release has
-- observations of it.
SELECT council_code, registry_code, name, official_name, council_type, type_name,
       region, nation, start_date, end_date, population, area_km2,
       social_care, waste_collection, county_code,
       council_code IN (SELECT council_code FROM observations) AS has_data
FROM councils
ORDER BY council_code
