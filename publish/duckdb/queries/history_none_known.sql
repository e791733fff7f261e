-- An empty history_known, for CheckDisclosure on a release file alone,
-- where no earlier release is at hand. Columns as history_known.
CREATE TEMP TABLE IF NOT EXISTS history_known (
    council_code VARCHAR,
    provider_id  VARCHAR,
    service      VARCHAR,
    metric       VARCHAR,
    period       VARCHAR,
    known        BOOLEAN,
    known_x      BOOLEAN,
    known_n      BOOLEAN,
    rid          BIGINT
)
