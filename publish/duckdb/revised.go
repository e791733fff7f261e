package duckdb

import (
	"context"
	"database/sql"
	"fmt"
)

// MarkRevised marks [r] (status r) the observations, and their comparison
// rows, whose published figures changed since the previous release, whose
// data/observations.parquet is at previous. It runs after Build and before
// the tables are exported, so the Parquet files, the CSV files and the
// release database all carry the marker.
func (d *DB) MarkRevised(ctx context.Context, previous string) error {
	s, err := d.session(ctx)
	if err != nil {
		return fmt.Errorf("mark revised: %w", err)
	}
	defer s.close()
	if err := s.exec(ctx, "mark_revised_observations", sql.Named("previous", previous)); err != nil {
		return fmt.Errorf("mark revised: %w", err)
	}
	if err := s.exec(ctx, "mark_revised_comparisons"); err != nil {
		return fmt.Errorf("mark revised: %w", err)
	}
	return nil
}
