WITH per AS (SELECT council_code, responsibility, count(*) AS n FROM similar_councils GROUP BY ALL)
SELECT
    (SELECT count(DISTINCT council_code) FROM per) AS councils,
    (SELECT count(*) FROM per WHERE n <> 10) AS not_ten,
    (SELECT count(*) FROM similar_councils WHERE council_code = similar_code) AS self,
    (SELECT count(*) FROM similar_councils s JOIN councils a USING (council_code)
        JOIN councils b ON b.council_code = s.similar_code WHERE a.nation <> b.nation) AS other_nation,
    (SELECT count(*) FROM (SELECT distance < lag(distance) OVER (PARTITION BY council_code, responsibility ORDER BY rank) AS bad
        FROM similar_councils) WHERE bad) AS out_of_order,
    (SELECT count(*) FROM similar_councils s JOIN councils a USING (council_code)
        JOIN councils b ON b.council_code = s.similar_code
        WHERE (s.responsibility = 'social_care' AND NOT (a.social_care AND b.social_care))
           OR (s.responsibility = 'waste_collection' AND NOT (a.waste_collection AND b.waste_collection))) AS lacks_responsibility,
    -- current social-care or waste councils of England without a list for
    -- a responsibility they hold
    (SELECT count(*) FROM councils c
        CROSS JOIN (VALUES ('social_care'), ('waste_collection')) r(responsibility)
        WHERE c.nation = 'England' AND c.end_date IS NULL AND c.population > 0 AND c.area_km2 > 0
          AND ((r.responsibility = 'social_care' AND c.social_care) OR (r.responsibility = 'waste_collection' AND c.waste_collection))
          AND NOT EXISTS (SELECT 1 FROM per p WHERE p.council_code = c.council_code AND p.responsibility = r.responsibility)) AS missing_list
