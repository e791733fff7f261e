package duckdb

import (
	"context"
	"database/sql"
	"fmt"
)

// changes fills the changes table against the previous release's
// data/observations.parquet at previous ("" for a first release) and marks
// r the observations it finds revised.
func (s *session) changes(ctx context.Context, previous string) error {
	if err := s.exec(ctx, "create_changes"); err != nil {
		return err
	}
	if previous == "" {
		return nil
	}
	if err := s.exec(ctx, "fill_changes", sql.Named("previous", previous)); err != nil {
		return fmt.Errorf("compare with the previous release: %w", err)
	}
	return s.exec(ctx, "mark_revised_observations")
}
