package duckdb

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/yardstick-open/yardstick/schemas"
)

// thresholdCatalogue is the disclosure catalogue with user-satisfaction
// given thresholds of its own: counts under 10 and groups under 20 are
// small.
func thresholdCatalogue(t *testing.T) *schemas.Catalogue {
	t.Helper()
	base := disclosureCatalogue(t)
	m, err := base.Metric(mSat)
	if err != nil {
		t.Fatal(err)
	}
	own := *m
	own.SmallCount, own.MinDenominator = 10, 20
	cat, err := base.Merge(&schemas.Catalogue{Metrics: []schemas.Metric{own}})
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// TestMetricThresholds checks that suppression uses each metric's own
// small_counts thresholds, worked by hand for user-satisfaction (a
// proportion) with small_count 10 and min_denominator 20:
//
//	P1  8/30   numerator 8, under 10: hidden (shown under the default 5)
//	P2 12/30   numerator 12, complement 18: shown
//	P3 25/30   complement 5, under 10: hidden (shown under the default)
//	P4 12/15   denominator 15, under 20: hidden
//	P5  0/20   0% of a group of 20: shown
//	P6 20/20   100% of a group of 20: shown
//	P7 10/20   numerator and complement 10: shown
//
// No council-wide row, so nothing else is hidden. The same rows under
// the built-in catalogue (today's rule) hide P4 alone (complement 3).
func TestMetricThresholds(t *testing.T) {
	t.Parallel()
	sat := func(provider string, num, den int64) obs {
		return obs{Provider: provider, Service: svcCare, Metric: mSat, Period: dq1, Num: i64(num), Den: i64(den)}
	}
	subs := []sub{{ID: "th", Council: cA, Received: day("2025-04-10"), Rows: []obs{
		sat("P1", 8, 30), sat("P2", 12, 30), sat("P3", 25, 30), sat("P4", 12, 15), sat("P5", 0, 20),
		sat("P6", 20, 20), sat("P7", 10, 20),
	}}}
	cell := func(p string) cellKey { return cellKey{cA, p, svcCare, mSat, dq1} }
	cat := thresholdCatalogue(t)
	if got, want := hiddenCells(publishedCells(t, buildFrom(t, cat, subs), cat, "observations")),
		[]cellKey{cell("P1"), cell("P3"), cell("P4")}; !reflect.DeepEqual(got, want) {
		t.Errorf("with small_count 10 and min_denominator 20, hides %v, want %v", got, want)
	}
	def := disclosureCatalogue(t)
	if got, want := hiddenCells(publishedCells(t, buildFrom(t, def, subs), def, "observations")),
		[]cellKey{cell("P4")}; !reflect.DeepEqual(got, want) {
		t.Errorf("with the default thresholds, hides %v, want %v", got, want)
	}
}

// TestMetricsDisclosureColumns checks that the metrics table of a release
// carries each metric's shared counts and thresholds, as the catalogue
// gives them, and that the reader returns them.
func TestMetricsDisclosureColumns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cat := thresholdCatalogue(t)
	file := buildFile(t, cat, []sub{{ID: "mc", Council: cA, Received: day("2025-04-10"), Rows: []obs{
		falls("P1", dq1, 12, 3000),
	}}})
	release := filepath.Join(t.TempDir(), "release.duckdb")
	db, err := Open(ctx, file, Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.WriteRelease(ctx, release); err != nil {
		t.Fatal(err)
	}
	db.Close()
	r, err := OpenRelease(ctx, release, Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	metrics, err := r.Metrics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	type rules struct {
		NumeratorCount, DenominatorCount string
		SmallCount, MinDenominator       int
	}
	want := map[string]rules{
		mFalls:                 {"", "occupied-bed-days", 5, 10},
		mOccupancy:             {"occupied-bed-days", "", 0, 0},
		mSat:                   {"", "", 10, 20},
		mOnTime:                {"", "visits-delivered", 0, 0},
		mComplaints:            {"", "people-served", 5, 10},
		"staff-turnover":       {"", "", 5, 10},
		"waste-recycling-rate": {"", "", 0, 0},
	}
	seen := 0
	for _, m := range metrics {
		w, ok := want[m.ID]
		if !ok {
			continue
		}
		seen++
		if got := (rules{m.NumeratorCount, m.DenominatorCount, m.SmallCount, m.MinDenominator}); got != w {
			t.Errorf("%s: %+v, want %+v", m.ID, got, w)
		}
	}
	if seen != len(want) {
		t.Errorf("the release lists %d of the %d metrics checked", seen, len(want))
	}
}
