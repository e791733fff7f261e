package duckdb

import (
	"context"
	"database/sql"
	"fmt"
)

// bytesPerChangedRow is how much of DuckDB's memory limit changes gives a
// row of a batch of fill_changes.sql, counting the rows of both sides:
// the full join's hash table and the rows read into it. At 20 million
// rows under 3GB, 8.2 million rows (4.1 million a side) joined in 4.2 s
// without spilling, and the whole table in one join took 30.4 s, so this
// leaves room beside the tables the join does not hold.
const bytesPerChangedRow = 1000

// changes fills the changes table against the previous release's
// data/observations.parquet at previous ("" for a first release), a batch
// of whole metrics at a time, in metric order, and marks r the
// observations it finds revised.
func (s *session) changes(ctx context.Context, previous string) error {
	if err := s.exec(ctx, "create_changes"); err != nil {
		return err
	}
	if previous == "" {
		return nil
	}
	prev := sql.Named("previous", previous)
	metrics, err := s.metricRows(ctx, "changes_metrics", prev)
	if err != nil {
		return fmt.Errorf("compare with the previous release: %w", err)
	}
	batchRows := s.loadBatch
	if batchRows <= 0 {
		limit, err := s.memoryLimit(ctx)
		if err != nil {
			return err
		}
		batchRows = max(limit/bytesPerChangedRow, minBatchRows)
	}
	for _, b := range batchMetrics(metrics, batchRows) {
		if err := s.exec(ctx, "fill_changes", prev, sql.Named("first", b.first), sql.Named("last", b.last)); err != nil {
			return fmt.Errorf("compare with the previous release (metrics %s to %s): %w", b.first, b.last, err)
		}
	}
	return s.exec(ctx, "mark_revised_observations")
}
