-- The metric catalogue, one row per metric, the catalogue's fields as columns.
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
    source      VARCHAR
)
