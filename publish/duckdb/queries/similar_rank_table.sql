-- The similar-council rank of each row of a batch of metrics with one
-- (similar_rank_rows.sql), made anew for each batch and filled by the
-- sweep (similarRanks in similar_rank.go); comparisons.sql joins it on
-- rid. Temporary, as comparison_rows is, so the checkpoint after each
-- batch (compact.sql) does not compress a table made anew for the next.
CREATE OR REPLACE TEMP TABLE similar_ranks (
    rid          BIGINT NOT NULL,
    similar_rank BIGINT NOT NULL,
    similar_n    BIGINT NOT NULL
)
