-- Test fixture: rows waiting to be written as warehouse Parquet files.
CREATE OR REPLACE TEMP TABLE fixture (
    council_code    VARCHAR,
    provider_id     VARCHAR,
    provider_name   VARCHAR,
    provider_sector VARCHAR,
    service         VARCHAR,
    metric          VARCHAR,
    period          VARCHAR,
    numerator       BIGINT,
    denominator     BIGINT,
    value           DOUBLE,
    note            VARCHAR,
    period_start    DATE,
    period_end      DATE,
    status          VARCHAR,
    submission_id   VARCHAR,
    source_line     BIGINT,
    received_at     TIMESTAMP
)
