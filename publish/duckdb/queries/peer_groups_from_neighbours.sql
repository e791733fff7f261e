-- Without a user's peer-groups.csv, each council's comparator group is the
-- council and its nearest neighbours, named by the council's code, so the
-- release's peer_groups table says what was compared with what either way.
INSERT INTO peer_groups
SELECT council_code AS group_id, council_code FROM (SELECT DISTINCT council_code FROM similar_councils)
UNION ALL
SELECT council_code AS group_id, similar_code AS council_code FROM similar_councils
