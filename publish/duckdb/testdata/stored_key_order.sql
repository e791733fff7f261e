-- For observations and comparisons, how many rows the table holds and
-- how many of them come, in stored order (rowid), before the row stored
-- just ahead of them in key order (metric, period, council_code,
-- provider_id, service).
SELECT tbl, count(*) AS n, count(*) FILTER (WHERE k < prev) AS out_of_order
FROM (SELECT tbl, k, lag(k) OVER (PARTITION BY tbl ORDER BY rid) AS prev
      FROM (SELECT tbl, rid, [metric, period, council_code, provider_id, service] AS k
            FROM (SELECT 'observations' AS tbl, rowid AS rid, metric, period, council_code, provider_id, service FROM observations
                  UNION ALL
                  SELECT 'comparisons', rowid, metric, period, council_code, provider_id, service FROM comparisons)))
GROUP BY tbl
ORDER BY tbl
