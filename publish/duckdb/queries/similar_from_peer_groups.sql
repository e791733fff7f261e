-- Similar councils from peer-groups.csv: a council's similar councils are
-- the other members of every group it belongs to.
CREATE OR REPLACE TABLE similar_councils AS
SELECT council_code, similar_code,
       row_number() OVER (PARTITION BY council_code ORDER BY similar_code) AS rank,
       NULL::DOUBLE AS distance,
       $method::VARCHAR AS method
FROM (
    SELECT DISTINCT a.council_code, b.council_code AS similar_code
    FROM peer_groups a
    JOIN peer_groups b ON a.group_id = b.group_id AND a.council_code <> b.council_code
)
ORDER BY council_code, rank
