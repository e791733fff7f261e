-- Each set of similar_rank_sets.sql with its members, by number.
SELECT set_no, member_no
FROM similar_rank_sets
ORDER BY set_no, member_no
