-- An empty disclosure_truth, for CheckDisclosure on a release file alone,
-- where the councils' own figures are not at hand: every linked group is
-- then taken to add up exactly (disclosure_links' inexact is false), the
-- strictest reading. Columns as disclosure_truth.
CREATE TEMP TABLE IF NOT EXISTS disclosure_truth (
    rid          BIGINT,
    council_code VARCHAR,
    provider_id  VARCHAR,
    service      VARCHAR,
    metric       VARCHAR,
    period       VARCHAR,
    status       VARCHAR,
    numerator    BIGINT,
    denominator  BIGINT,
    value        DOUBLE,
    x            DOUBLE,
    n            DOUBLE,
    is_primary   BOOLEAN
)
