-- The observations whose figures differ from the previous release's, by
-- kind of change (schemas.Change*): empty in a data folder's first release.
CREATE OR REPLACE TABLE changes (
    metric          VARCHAR NOT NULL,
    period          VARCHAR NOT NULL,
    council_code    VARCHAR NOT NULL,
    provider_id     VARCHAR NOT NULL,
    service         VARCHAR NOT NULL,
    change          VARCHAR NOT NULL,
    old_value       DOUBLE,
    old_numerator   BIGINT,
    old_denominator BIGINT,
    old_status      VARCHAR,
    new_value       DOUBLE,
    new_numerator   BIGINT,
    new_denominator BIGINT,
    new_status      VARCHAR
)
