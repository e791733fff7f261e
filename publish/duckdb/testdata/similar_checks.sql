WITH per AS (SELECT council_code, count(*) AS n FROM similar_councils GROUP BY ALL)
SELECT
    (SELECT count(*) FROM per) AS councils,
    (SELECT count(*) FROM per WHERE n <> 10) AS not_ten,
    (SELECT count(*) FROM similar_councils WHERE council_code = similar_code) AS self,
    (SELECT count(*) FROM similar_councils s JOIN councils a USING (council_code)
        JOIN councils b ON b.council_code = s.similar_code WHERE a.nation <> b.nation) AS other_nation,
    (SELECT count(*) FROM (SELECT distance < lag(distance) OVER (PARTITION BY council_code ORDER BY rank) AS bad
        FROM similar_councils) WHERE bad) AS out_of_order,
    (SELECT count(*) FROM similar_councils s JOIN councils a USING (council_code)
        JOIN councils b ON b.council_code = s.similar_code
        WHERE (a.social_care AND NOT b.social_care) OR (a.waste_collection AND NOT b.waste_collection)) AS lacks_responsibility
