-- The accepted submissions found in the data folder, from their manifests.
-- Who submitted each, and the hash of the file received, stay in the
-- manifest: the release is public, a submitter names a person or a token,
-- and the hash of a file whose other figures are public lets its hidden
-- ones be guessed.
CREATE OR REPLACE TABLE submissions (
    submission_id VARCHAR NOT NULL,
    council_code  VARCHAR NOT NULL,
    received_at   TIMESTAMP,
    rows          BIGINT,
    current_rows  BIGINT
)
