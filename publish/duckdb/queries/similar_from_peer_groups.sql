-- Similar councils from peer-groups.csv: a council's similar councils for
-- a responsibility are the other members of every group it belongs to
-- that hold that responsibility, listed only when the council holds it
-- too (as nearest neighbours: service_responsibilities names the
-- responsibilities, any for a service every council may commission). The
-- groups apply to every responsibility: a member that lacks one drops out
-- of the lists for it, so a group of unitaries and districts compares
-- waste collection among all of them and social care among the unitaries.
-- Ranked by GSS code.
CREATE OR REPLACE TABLE similar_councils AS
WITH holders AS (
    SELECT c.council_code, r.responsibility
    FROM councils c
    JOIN (SELECT DISTINCT responsibility FROM service_responsibilities) r
      ON r.responsibility = 'any'
      OR (r.responsibility = 'social_care' AND c.social_care)
      OR (r.responsibility = 'waste_collection' AND c.waste_collection)
),
pairs AS (
    SELECT DISTINCT a.council_code, ha.responsibility, b.council_code AS similar_code
    FROM peer_groups a
    JOIN peer_groups b ON a.group_id = b.group_id AND a.council_code <> b.council_code
    JOIN holders ha ON ha.council_code = a.council_code
    JOIN holders hb ON hb.council_code = b.council_code AND hb.responsibility = ha.responsibility
)
SELECT council_code, responsibility, similar_code,
       row_number() OVER (PARTITION BY council_code, responsibility ORDER BY similar_code) AS rank,
       NULL::DOUBLE AS distance,
       $method::VARCHAR AS method
FROM pairs
ORDER BY council_code, responsibility, rank
