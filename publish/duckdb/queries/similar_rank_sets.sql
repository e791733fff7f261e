-- The sets comparisons.sql's similar_rank ranks a row among, numbered for
-- Build's sweep (similarRanks in similar_rank.go): each council's list of
-- similar councils for each responsibility, as owner, with the similar
-- councils and the owner itself as members, is a set (set_no); every
-- council that is a member of a set is numbered (council_no), so that the
-- rows the sweep reads carry integers rather than texts. A council of no
-- list is in no set, and its rows count towards no rank. Temporary
-- tables, as the build's working tables are (compact.sql).
CREATE OR REPLACE TEMP TABLE similar_rank_councils AS
SELECT council_code, (row_number() OVER (ORDER BY council_code) - 1)::INTEGER AS council_no
FROM (SELECT similar_code AS council_code FROM similar_councils
      UNION
      SELECT council_code FROM similar_councils);
CREATE OR REPLACE TEMP TABLE similar_rank_sets AS
SELECT s.owner, s.responsibility,
       (dense_rank() OVER (ORDER BY s.owner, s.responsibility) - 1)::INTEGER AS set_no,
       c.council_no AS member_no
FROM (SELECT council_code AS owner, responsibility, similar_code AS member FROM similar_councils
      UNION
      SELECT council_code, responsibility, council_code FROM similar_councils) s
JOIN similar_rank_councils c ON c.council_code = s.member;
