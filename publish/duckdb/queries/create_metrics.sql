-- The metric catalogue, one row per metric, the catalogue's fields as columns.
-- numerator_count and denominator_count name a count the metric shares
-- with others ('' for none); small_count and min_denominator are the
-- small_counts rule's thresholds, NULL for a metric without that rule.
CREATE OR REPLACE TABLE metrics (
    id          VARCHAR NOT NULL PRIMARY KEY,
    title       VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL,
    unit        VARCHAR NOT NULL,
    multiplier  DOUBLE NOT NULL,
    polarity    VARCHAR NOT NULL,
    min         DOUBLE,
    max         DOUBLE,
    disclosure  VARCHAR NOT NULL,
    services    VARCHAR[] NOT NULL,
    description VARCHAR,
    numerator   VARCHAR,
    denominator VARCHAR,
    source      VARCHAR,
    numerator_count   VARCHAR,
    denominator_count VARCHAR,
    small_count       BIGINT,
    min_denominator   BIGINT
)
