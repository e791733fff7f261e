package duckdb

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/yardstick-open/yardstick/schemas"
)

// loadMetricDisclosure adds to the metrics table the catalogue's
// disclosure fields, which loadMetrics leaves out: the counts each metric
// shares (schemas.Metric.NumeratorCount, DenominatorCount) and its
// small_counts thresholds (SmallCount, MinDenominator).
func (s *session) loadMetricDisclosure(ctx context.Context, cat *schemas.Catalogue) error {
	if err := s.exec(ctx, "alter_metrics_disclosure"); err != nil {
		return err
	}
	n := len(cat.Metrics)
	ids, nums, dens := make([]string, n), make([]string, n), make([]string, n)
	small, minDen := make([]int64, n), make([]int64, n)
	for i, m := range cat.Metrics {
		ids[i], nums[i], dens[i] = m.ID, m.NumeratorCount, m.DenominatorCount
		if m.Disclosure == schemas.DisclosureSmallCounts {
			small[i], minDen[i] = int64(m.SmallCount), int64(m.MinDenominator)
		}
	}
	return s.exec(ctx, "update_metrics_disclosure", sql.Named("ids", ids), sql.Named("numerator_counts", nums),
		sql.Named("denominator_counts", dens), sql.Named("small_counts", small), sql.Named("min_denominators", minDen))
}

// intScanner scans an integer column into an int, 0 for NULL: the
// metrics table's thresholds, NULL for a metric without disclosure
// control.
type intScanner struct{ dst *int }

func (s intScanner) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*s.dst = 0
	case int32:
		*s.dst = int(v)
	case int64:
		*s.dst = int(v)
	default:
		return fmt.Errorf("scan %T into an int", src)
	}
	return nil
}

func scanInt(dst *int) sql.Scanner { return intScanner{dst} }
