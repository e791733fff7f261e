-- Writes the record of the interval audit (audit_record.sql) to a Parquet
-- file, each row with the SHA-256 of the disclosure history the release
-- carries ($history_sha256) and the rules it was audited under ($rules:
-- Yardstick's program and the catalogue), which the next build must match
-- to read it (audit_record_check.sql).
COPY (
    SELECT $history_sha256::VARCHAR AS history_sha256, $rules::VARCHAR AS rules, *
    FROM audit_record
    ORDER BY council_code, service, metric
) TO $path (FORMAT parquet, COMPRESSION zstd)
