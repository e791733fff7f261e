-- The accepted submissions found in the data folder, from their manifests.
CREATE OR REPLACE TABLE submissions (
    submission_id VARCHAR NOT NULL,
    council_code  VARCHAR NOT NULL,
    received_at   TIMESTAMP,
    submitter     VARCHAR,
    sha256        VARCHAR,
    rows          BIGINT,
    current_rows  BIGINT
)
