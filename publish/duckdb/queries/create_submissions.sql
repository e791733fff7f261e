-- The accepted submissions found in the data folder, from their manifests.
-- Who submitted each stays in the manifest: the release is public, and a
-- submitter names a person or a token.
CREATE OR REPLACE TABLE submissions (
    submission_id VARCHAR NOT NULL,
    council_code  VARCHAR NOT NULL,
    received_at   TIMESTAMP,
    sha256        VARCHAR,
    rows          BIGINT,
    current_rows  BIGINT
)
