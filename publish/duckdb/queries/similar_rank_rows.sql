-- The rows the sweep ranks (similarRanks in similar_rank.go), of the
-- metrics from compare_first to compare_last, as comparisons.sql reads
-- them: each row with a value and its score (lower is better, so that the
-- best comes first), in a group of at least $min_rows rows with a value
-- (benchmarks.national_n; a smaller group publishes no similar_rank),
-- numbered by group (gid), with its council's number and the number of
-- the set its council owns for the responsibility its service needs
-- (-1 for none). Sorted by group, then score, which is the order the
-- sweep walks. rid is the row's rowid in comparison_rows, which
-- comparisons.sql joins the ranks back on.
WITH groups AS (
    SELECT metric, period, service, level, row_number() OVER () AS gid
    FROM benchmarks
    WHERE national_n >= $min_rows
      AND metric BETWEEN getvariable('compare_first') AND getvariable('compare_last')
),
owned AS (
    SELECT DISTINCT owner, responsibility, set_no
    FROM similar_rank_sets
)
SELECT r.rowid AS rid, c.council_no, coalesce(o.set_no, -1) AS set_no,
       CASE WHEN r.polarity = 'lower_is_better' THEN r.value ELSE -r.value END AS score,
       g.gid
FROM comparison_rows r
JOIN groups g USING (metric, period, service, level)
JOIN similar_rank_councils c USING (council_code)
LEFT JOIN service_responsibilities sv USING (service)
LEFT JOIN owned o ON o.owner = r.council_code AND o.responsibility = sv.responsibility
WHERE r.value IS NOT NULL
  AND r.metric BETWEEN getvariable('compare_first') AND getvariable('compare_last')
ORDER BY g.gid, score
