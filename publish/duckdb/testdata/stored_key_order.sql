-- For observations and comparisons, how many rows the table holds and
-- how many of them come, in stored order (rowid), before the row stored
-- just ahead of them in key order (metric, period, council_code,
-- provider_id, service).
SELECT 'observations' AS tbl, count(*) AS n, count(*) FILTER (WHERE k < prev) AS out_of_order
FROM (SELECT [metric, period, council_code, provider_id, service] AS k,
             lag([metric, period, council_code, provider_id, service]) OVER (ORDER BY rowid) AS prev
      FROM observations)
UNION ALL
SELECT 'comparisons', count(*), count(*) FILTER (WHERE k < prev)
FROM (SELECT [metric, period, council_code, provider_id, service] AS k,
             lag([metric, period, council_code, provider_id, service]) OVER (ORDER BY rowid) AS prev
      FROM comparisons)
ORDER BY tbl
