-- An empty history_cells, for a data folder with no earlier release and
-- for CheckDisclosure on a release file alone. Columns as history_load.
CREATE TEMP TABLE IF NOT EXISTS history_cells (
    release      VARCHAR,
    council_code VARCHAR,
    provider_id  VARCHAR,
    service      VARCHAR,
    metric       VARCHAR,
    period       VARCHAR,
    hidden       BOOLEAN,
    numerator    BIGINT,
    denominator  BIGINT,
    value        DOUBLE
)
