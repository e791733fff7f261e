-- One page of the councils a CouncilFilter selects, by name then code, and
-- how many it selects. An empty text filter selects every council; $query
-- is a case-insensitive substring of the name, official name or code
-- (contains(), so no character in it is a wildcard).
--
-- The count is joined to the page, not taken from it, so that a page past
-- the end still says how many there are: the result is one row with the
-- total and NULL council columns (has_row false) when the page is empty.
WITH selected AS (
    SELECT *
    FROM councils
    WHERE ($query = ''
           OR contains(lower(name), lower($query))
           OR contains(lower(official_name), lower($query))
           OR contains(lower(council_code), lower($query)))
      AND ($region = '' OR region = $region)
      AND ($council_type = '' OR council_type = $council_type)
      AND (NOT $with_data OR council_code IN (SELECT council_code FROM observations))
),
page AS (
    SELECT *
    FROM selected
    ORDER BY name, council_code
    LIMIT $limit OFFSET $offset
)
SELECT t.total, page.council_code IS NOT NULL AS has_row,
       page.council_code, page.registry_code, page.name, page.official_name,
       page.council_type, page.type_name, page.region, page.nation,
       page.start_date, page.end_date, page.population, page.area_km2,
       page.social_care, page.waste_collection, page.county_code
FROM (SELECT count(*) AS total FROM selected) t
LEFT JOIN page ON true
ORDER BY page.name, page.council_code
