package duckdb

import (
	"context"
	"database/sql"
	"fmt"
)

// bytesPerJoinedRow is how much of DuckDB's memory limit a batch of a full
// join of two tables on the observation's key (fill_changes.sql,
// check_disclosure_tables.sql) is given a row, counting the rows of both
// sides: the join's hash table and the rows read into it. At 20 million
// rows under 3GB, fill_changes alone joined 8.2 million rows (4.1 million
// a side) in 4.2 s without spilling, and the whole table in one join took
// 30.4 s, so this leaves room beside the tables the join does not hold.
const bytesPerJoinedRow = 1000

// joinBatches returns the batches of whole metrics, in metric order, in
// which a full join of two tables on the observation's key is made, as
// many rows of both sides as fit in DuckDB's memory limit at
// bytesPerJoinedRow a row (or the session's loadBatch rows). count names
// the query that counts each metric's rows on both sides, given args, so
// that every metric of either side is in a batch. Both sides are stored
// sorted by metric, so each batch reads only its own row groups.
func (s *session) joinBatches(ctx context.Context, count string, args ...any) ([]metricBatch, error) {
	metrics, err := s.metricRows(ctx, count, args...)
	if err != nil {
		return nil, err
	}
	batchRows := s.loadBatch
	if batchRows <= 0 {
		limit, err := s.memoryLimit(ctx)
		if err != nil {
			return nil, err
		}
		batchRows = max(limit/bytesPerJoinedRow, minBatchRows)
	}
	return batchMetrics(metrics, batchRows), nil
}

// changes fills the changes table against the previous release's
// data/observations.parquet at previous ("" for a first release), a batch
// of whole metrics at a time (joinBatches), and marks r the observations
// it finds revised.
func (s *session) changes(ctx context.Context, previous string) error {
	if err := s.exec(ctx, "create_changes"); err != nil {
		return err
	}
	if previous == "" {
		return nil
	}
	prev := sql.Named("previous", previous)
	batches, err := s.joinBatches(ctx, "changes_metrics", prev)
	if err != nil {
		return fmt.Errorf("compare with the previous release: %w", err)
	}
	for _, b := range batches {
		if err := s.exec(ctx, "fill_changes", prev, sql.Named("first", b.first), sql.Named("last", b.last)); err != nil {
			return fmt.Errorf("compare with the previous release (metrics %s to %s): %w", b.first, b.last, err)
		}
	}
	return s.exec(ctx, "mark_revised_observations")
}
