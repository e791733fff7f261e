-- An empty history_known, for CheckDisclosure on a release file alone,
-- where no earlier release is at hand. Columns as history_known.
CREATE TEMP TABLE IF NOT EXISTS history_known (
    rid     BIGINT,
    known   BOOLEAN,
    known_x BOOLEAN,
    known_n BOOLEAN
)
