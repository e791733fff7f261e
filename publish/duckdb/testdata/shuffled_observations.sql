-- 300,000 observation keys in a shuffled order, more than two of DuckDB's
-- row groups (122,880 rows), in the scratch database, with the registry's
-- columns of observations in its order (ExportParquet checks them), the
-- text columns the CSV export makes safe for spreadsheets among them.
CREATE TABLE observations AS
SELECT 'E0' || lpad((i % 317)::VARCHAR, 7, '0') AS council_code, 'P' || i AS provider_id,
       '' AS provider_name, '' AS provider_sector, 'homecare' AS service,
       'm' || (i % 7) AS metric, '2024-25-Q' || (1 + i % 4) AS period,
       NULL::BIGINT AS numerator, NULL::BIGINT AS denominator, NULL::DOUBLE AS value, '' AS note,
       NULL::DATE AS period_start, NULL::DATE AS period_end, '' AS status,
       's' AS submission_id, i AS source_line, NULL::TIMESTAMP AS received_at
FROM range(300000) AS r(i)
ORDER BY hash(i)
