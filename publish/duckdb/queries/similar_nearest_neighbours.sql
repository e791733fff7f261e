-- Similar councils by nearest neighbours (method yardstick-nn-v1), one
-- list per council and responsibility.
--
-- Candidates: councils that still exist, deliver social care or collect
-- waste, and have a population and an area. Each is described by
--   z_pop     = (ln(population) - mean) / SD
--   z_density = (ln(population / area in km2) - mean) / SD
-- with the natural logarithm, the mid-2020 population and the area of the
-- register, the mean and the population standard deviation (divisor N)
-- taken over the candidates of the council's nation (all of them, whatever
-- the list, so the distance between two councils is the same in every
-- list). The distance between councils a and b is
--   sqrt((z_pop_a - z_pop_b)^2 + (z_density_a - z_density_b)^2 + d_type)
-- where d_type is 0 for the same council type and 1 otherwise, so a
-- different type weighs as much as one standard deviation.
--
-- Lists are made for each responsibility a service of the catalogue needs
-- (service_responsibilities: social_care, waste_collection, or any for a
-- service that needs none). A council's list for responsibility R is drawn
-- from the candidates of its own nation that hold R, and only a council
-- holding R has one: a unitary has a social_care list (counties, unitaries,
-- metropolitan districts, London boroughs) and a waste_collection list
-- (districts among them), a county only a social_care list, a district
-- only a waste_collection list. So a row is compared with councils that
-- deliver its service (small unitaries such as Rutland were otherwise
-- nearest to districts, which have no social care). The $k nearest, ties
-- broken by GSS code, are the council's similar councils for R.
CREATE OR REPLACE TABLE similar_councils AS
WITH pool AS (
    SELECT council_code, nation, council_type, social_care, waste_collection,
           ln(population) AS log_pop,
           ln(population / area_km2) AS log_density
    FROM councils
    WHERE end_date IS NULL AND population > 0 AND area_km2 > 0 AND (social_care OR waste_collection)
),
standardised AS (
    SELECT council_code, nation, council_type, social_care, waste_collection,
           (log_pop - avg(log_pop) OVER w) / nullif(stddev_pop(log_pop) OVER w, 0) AS z_pop,
           (log_density - avg(log_density) OVER w) / nullif(stddev_pop(log_density) OVER w, 0) AS z_density
    FROM pool
    WINDOW w AS (PARTITION BY nation)
),
holders AS (
    -- Each candidate with each responsibility it holds.
    SELECT s.*, r.responsibility
    FROM standardised s
    JOIN (SELECT DISTINCT responsibility FROM service_responsibilities) r
      ON r.responsibility = 'any'
      OR (r.responsibility = 'social_care' AND s.social_care)
      OR (r.responsibility = 'waste_collection' AND s.waste_collection)
),
pairs AS (
    SELECT a.council_code, a.responsibility, b.council_code AS similar_code,
           sqrt(power(a.z_pop - b.z_pop, 2) + power(a.z_density - b.z_density, 2)
                + CASE WHEN a.council_type = b.council_type THEN 0 ELSE 1 END) AS distance
    FROM holders a
    JOIN holders b ON a.nation = b.nation AND a.responsibility = b.responsibility
                  AND a.council_code <> b.council_code
),
ranked AS (
    SELECT council_code, responsibility, similar_code,
           row_number() OVER (PARTITION BY council_code, responsibility
                              ORDER BY distance NULLS LAST, similar_code) AS rank,
           distance
    FROM pairs
    QUALIFY rank <= $k
)
-- Ranked at full precision; the distance is published to six significant
-- figures (sig6), as every figure Yardstick computes.
SELECT council_code, responsibility, similar_code, rank, sig6(distance) AS distance, $method::VARCHAR AS method
FROM ranked
ORDER BY council_code, responsibility, rank
