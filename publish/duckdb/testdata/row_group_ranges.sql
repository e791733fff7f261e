-- Each row group of a Parquet file: its rows and the min/max statistics
-- of metric and period, by which a reader skips it.
SELECT row_group_id,
       any_value(row_group_num_rows) AS num_rows,
       max(CASE WHEN path_in_schema = 'metric' THEN stats_min_value END) AS metric_min,
       max(CASE WHEN path_in_schema = 'metric' THEN stats_max_value END) AS metric_max,
       max(CASE WHEN path_in_schema = 'period' THEN stats_min_value END) AS period_min,
       max(CASE WHEN path_in_schema = 'period' THEN stats_max_value END) AS period_max
FROM parquet_metadata($path)
GROUP BY row_group_id
ORDER BY row_group_id
