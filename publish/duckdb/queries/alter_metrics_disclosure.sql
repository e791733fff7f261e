-- The metrics table's disclosure columns, which the catalogue's other
-- fields do not fill (loadMetrics appends those): the counts a metric
-- shares with others (numerator_count, denominator_count, '' for none) and
-- the small_counts rule's thresholds (small_count, min_denominator; NULL
-- for a metric without disclosure small_counts). update_metrics_disclosure
-- fills them.
ALTER TABLE metrics ADD COLUMN IF NOT EXISTS numerator_count VARCHAR;
ALTER TABLE metrics ADD COLUMN IF NOT EXISTS denominator_count VARCHAR;
ALTER TABLE metrics ADD COLUMN IF NOT EXISTS small_count BIGINT;
ALTER TABLE metrics ADD COLUMN IF NOT EXISTS min_denominator BIGINT
