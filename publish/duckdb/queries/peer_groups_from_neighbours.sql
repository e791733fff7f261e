-- Without a user's peer-groups.csv, each council's comparator group for
-- each responsibility is the council and its nearest neighbours for it,
-- named by the council's code and the responsibility
-- ("E06000017:social_care"), so the release's peer_groups table says what
-- was compared with what either way.
INSERT INTO peer_groups
SELECT council_code || ':' || responsibility AS group_id, council_code
FROM (SELECT DISTINCT council_code, responsibility FROM similar_councils)
UNION ALL
SELECT council_code || ':' || responsibility AS group_id, similar_code AS council_code FROM similar_councils
