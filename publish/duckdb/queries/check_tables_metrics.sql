-- How many rows each metric has in observations and comparisons together,
-- in metric order, from which checkDisclosure makes the batches of
-- metrics check_disclosure_tables.sql compares at a time (joinBatches):
-- every metric of either table is in one batch. It reads one column of
-- each.
SELECT metric, count(*) AS rows
FROM (
    SELECT metric FROM observations
    UNION ALL
    SELECT metric FROM comparisons
)
GROUP BY metric
ORDER BY metric
