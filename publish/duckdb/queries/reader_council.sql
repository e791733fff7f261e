-- The council with code $code.
SELECT council_code, registry_code, name, official_name, council_type, type_name,
       region, nation, start_date, end_date, population, area_km2,
       social_care, waste_collection, county_code
FROM councils
WHERE council_code = $code
