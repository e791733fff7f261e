-- Drops the working tables of the similar-council ranks
-- (similar_rank_sets.sql) once the comparisons are made.
DROP TABLE IF EXISTS similar_rank_councils;
DROP TABLE IF EXISTS similar_rank_sets;
DROP TABLE IF EXISTS similar_ranks;
