-- The current observations: for each council, period and service, the rows
-- of the latest accepted submission. Columns as in the warehouse.
CREATE OR REPLACE TABLE observations (
    council_code    VARCHAR NOT NULL,
    provider_id     VARCHAR NOT NULL,
    provider_name   VARCHAR,
    provider_sector VARCHAR,
    service         VARCHAR NOT NULL,
    metric          VARCHAR NOT NULL,
    period          VARCHAR NOT NULL,
    numerator       BIGINT,
    denominator     BIGINT,
    value           DOUBLE,
    note            VARCHAR,
    period_start    DATE,
    period_end      DATE,
    status          VARCHAR NOT NULL,
    submission_id   VARCHAR NOT NULL,
    source_line     BIGINT,
    received_at     TIMESTAMP
)
