package duckdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/yardstick-open/yardstick/schemas"
)

const (
	dq1           = "2024-25-Q1"
	dq2           = "2024-25-Q2"
	dq3           = "2024-25-Q3"
	dq4           = "2024-25-Q4"
	dfy           = "2024-25"
	svcCare       = "care-home"
	mFalls        = "ch-falls"              // rate per 1,000, small_counts
	mSat          = "user-satisfaction"     // proportion, small_counts
	mSafeguarding = "safeguarding-concerns" // rate per 1,000, small_counts
	mOnTime       = "hc-visits-on-time"     // proportion, disclosure none
	mSmallCount   = "test-small-count"      // count, small_counts (fixture only)
)

// disclosureSubs is the disclosure fixture: care-home figures with small
// counts, worked by hand in the tests below.
//
//	council A  ch-falls Q1: council-wide 30/9000; P1 3/2000; P2 12/3000
//	           (with a note quoting it); P3 15/4000. P2 also Q2 11/3000, Q3 13/3000, Q4 14/3000 and
//	           the year 50/12000. hc-visits-on-time (homecare) P1 3/8.
//	council B  ch-falls P1: Q1 20/5000, Q2 4/5000, Q3 25/5000, Q4 31/5000,
//	           year 80/20000; P4 Q1 6/8. user-satisfaction Q1: P7 value 30
//	           of 10 respondents (no numerator); P8 7 at 87.5% (no
//	           denominator).
//	council C  ch-falls Q1: council-wide 2/500; P5 0/300; P6 2/200.
//	           user-satisfaction Q1: council-wide 7/28; P5 0/20; P6 7/8.
//	council D  ch-falls Q1: P1 40/6000; P8 2/900. safeguarding-concerns Q1:
//	           P9 marked [c], with counts 50/1000 and a note. test-small-count Q1: P1 3, P8 7.
func disclosureSubs() []sub {
	c := func(provider, metric, period string, num, den int64) obs {
		return obs{Provider: provider, Name: "Provider " + provider, Service: svcCare, Metric: metric, Period: period, Num: i64(num), Den: i64(den)}
	}
	return []sub{
		{ID: "da", Council: cA, Received: day("2025-04-10"), Rows: []obs{
			c("", mFalls, dq1, 30, 9000),
			c("P1", mFalls, dq1, 3, 2000),
			withNote(c("P2", mFalls, dq1, 12, 3000), "12 falls, 5 of them one resident"),
			withNote(c("P3", mFalls, dq1, 15, 4000), "New falls protocol from May"),
			c("P2", mFalls, dq2, 11, 3000),
			c("P2", mFalls, dq3, 13, 3000),
			c("P2", mFalls, dq4, 14, 3000),
			c("P2", mFalls, dfy, 50, 12000),
			{Provider: "P1", Service: "homecare", Metric: mOnTime, Period: dq1, Num: i64(3), Den: i64(8)},
		}},
		{ID: "db", Council: cB, Received: day("2025-04-11"), Rows: []obs{
			c("P1", mFalls, dq1, 20, 5000),
			c("P1", mFalls, dq2, 4, 5000),
			c("P1", mFalls, dq3, 25, 5000),
			c("P1", mFalls, dq4, 31, 5000),
			c("P1", mFalls, dfy, 80, 20000),
			c("P4", mFalls, dq1, 6, 8),
			{Provider: "P7", Service: svcCare, Metric: mSat, Period: dq1, Den: i64(10), Value: f64(30)},
			{Provider: "P8", Service: svcCare, Metric: mSat, Period: dq1, Num: i64(7), Value: f64(87.5)},
		}},
		{ID: "dc", Council: cC, Received: day("2025-04-12"), Rows: []obs{
			c("", mFalls, dq1, 2, 500),
			c("P5", mFalls, dq1, 0, 300),
			c("P6", mFalls, dq1, 2, 200),
			c("", mSat, dq1, 7, 28),
			c("P5", mSat, dq1, 0, 20),
			c("P6", mSat, dq1, 7, 8),
		}},
		{ID: "dd", Council: cD, Received: day("2025-04-13"), Rows: []obs{
			c("P1", mFalls, dq1, 40, 6000),
			c("P8", mFalls, dq1, 2, 900),
			{Provider: "P9", Service: svcCare, Metric: mSafeguarding, Period: dq1, Num: i64(50), Den: i64(1000), Status: "c",
				Note: "Withheld: under investigation"},
			{Provider: "P1", Service: svcCare, Metric: mSmallCount, Period: dq1, Value: f64(3)},
			{Provider: "P8", Service: svcCare, Metric: mSmallCount, Period: dq1, Value: f64(7)},
		}},
	}
}

func withNote(o obs, note string) obs {
	o.Note = note
	return o
}

// disclosureCatalogue is the fixture catalogue plus a count metric under
// small_counts.
func disclosureCatalogue(t testing.TB) *schemas.Catalogue {
	t.Helper()
	base, err := fixtureCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	cat, err := base.Merge(&schemas.Catalogue{Metrics: []schemas.Metric{{
		ID: mSmallCount, Title: "Test small count", Services: []string{svcCare}, Kind: schemas.KindCount,
		Unit: schemas.UnitNumber, Multiplier: 1, Polarity: schemas.LowerIsBetter, Disclosure: schemas.DisclosureSmallCounts,
	}}})
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func buildFrom(t testing.TB, cat *schemas.Catalogue, subs []sub) *DB {
	t.Helper()
	db := openTest(t)
	in := BuildInput{DataDir: writeDataDir(t, subs...), Catalogue: cat, Councils: fixtureCouncils(t), Neighbours: 2}
	if err := db.Build(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	return db
}

// buildFile builds subs into a database file, closes it and returns its
// path.
func buildFile(t testing.TB, cat *schemas.Catalogue, subs []sub) string {
	t.Helper()
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "yardstick.duckdb")
	db, err := Open(ctx, file, Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	in := BuildInput{DataDir: writeDataDir(t, subs...), Catalogue: cat, Councils: fixtureCouncils(t), Neighbours: 2}
	if err := db.Build(ctx, in); err != nil {
		db.Close()
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return file
}

// openCopy opens a copy of the database file, to change as a test likes.
func openCopy(t testing.TB, file string) *DB {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	cp := filepath.Join(t.TempDir(), filepath.Base(file))
	if err := os.WriteFile(cp, b, 0o644); err != nil {
		t.Fatal(err)
	}
	db, err := Open(context.Background(), cp, Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// counts are a cell's numerator and denominator; for a count metric, the
// count and 0.
type counts struct{ X, N float64 }

// truthOf returns every fixture cell's counts as the council gave them or
// as its figures imply them: what suppression must keep from a reader.
func truthOf(t testing.TB, cat *schemas.Catalogue, subs []sub) map[cellKey]counts {
	t.Helper()
	out := map[cellKey]counts{}
	for _, s := range subs {
		for _, r := range s.Rows {
			m, err := cat.Metric(r.Metric)
			if err != nil {
				t.Fatal(err)
			}
			var c counts
			switch {
			case m.Kind == schemas.KindCount:
				c.X = *r.Value
			case r.Num != nil && r.Den != nil:
				c = counts{float64(*r.Num), float64(*r.Den)}
			case r.Den != nil:
				c = counts{math.Round(*r.Value * float64(*r.Den) / m.Multiplier), float64(*r.Den)}
			case r.Num != nil:
				c = counts{float64(*r.Num), math.Round(float64(*r.Num) * m.Multiplier / *r.Value)}
			}
			out[cellKey{s.Council, r.Provider, r.Service, r.Metric, r.Period}] = c
		}
	}
	return out
}

// shown is a published cell as a reader sees it.
type shown struct {
	Status string
	Counts *counts // nil when the counts are not shown
	Value  *float64
	Row    row
}

// publishedCells reads observations or comparisons as a reader would.
func publishedCells(t testing.TB, db *DB, cat *schemas.Catalogue, table string) map[cellKey]shown {
	t.Helper()
	out := map[cellKey]shown{}
	for _, r := range tableRows(t, db, table) {
		k := cellKey{fmt.Sprint(r["council_code"]), fmt.Sprint(r["provider_id"]), fmt.Sprint(r["service"]), fmt.Sprint(r["metric"]), fmt.Sprint(r["period"])}
		c := shown{Status: fmt.Sprint(r["status"]), Row: r}
		if v, ok := asFloat(r["value"]); ok {
			c.Value = &v
		}
		m, err := cat.Metric(k.Metric)
		if err != nil {
			t.Fatal(err)
		}
		x, okx := asFloat(r["numerator"])
		n, okn := asFloat(r["denominator"])
		switch {
		case m.Kind == schemas.KindCount && c.Value != nil:
			c.Counts = &counts{*c.Value, 0}
		case okx && okn:
			c.Counts = &counts{x, n}
		}
		out[k] = c
	}
	return out
}

func hiddenCells(cells map[cellKey]shown) []cellKey {
	var out []cellKey
	for k, c := range cells {
		if c.Status == "c" {
			out = append(out, k)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].protectKey() < out[j].protectKey() })
	return out
}

// TestPrimarySuppression checks that each small cell of a small_counts
// metric is hidden in observations and comparisons, with no value, counts
// or statistic, whether its counts are given or implied, and that cells
// which are not small, or whose metric has no disclosure rule, are shown.
func TestPrimarySuppression(t *testing.T) {
	t.Parallel()
	cat := disclosureCatalogue(t)
	db := buildFrom(t, cat, disclosureSubs())
	obs := publishedCells(t, db, cat, "observations")
	cmp := publishedCells(t, db, cat, "comparisons")
	tests := []struct {
		Name   string
		Key    cellKey
		Hidden bool
	}{
		{"numerator 3", cellKey{cA, "P1", svcCare, mFalls, dq1}, true},
		{"numerator 4 in a quarter", cellKey{cB, "P1", svcCare, mFalls, dq2}, true},
		{"denominator 8", cellKey{cB, "P4", svcCare, mFalls, dq1}, true},
		{"council-wide numerator 2", cellKey{cC, "", svcCare, mFalls, dq1}, true},
		{"numerator 2", cellKey{cC, "P6", svcCare, mFalls, dq1}, true},
		{"denominator 8, numerator 7", cellKey{cC, "P6", svcCare, mSat, dq1}, true},
		{"numerator 2 without a total", cellKey{cD, "P8", svcCare, mFalls, dq1}, true},
		{"numerator implied by value x denominator: 30% of 10", cellKey{cB, "P7", svcCare, mSat, dq1}, true},
		{"denominator implied by numerator / value: 7 at 87.5%", cellKey{cB, "P8", svcCare, mSat, dq1}, true},
		{"a count of 3", cellKey{cD, "P1", svcCare, mSmallCount, dq1}, true},
		{"marked [c] by the council", cellKey{cD, "P9", svcCare, mSafeguarding, dq1}, true},
		{"numerator 0 is not small", cellKey{cC, "P5", svcCare, mFalls, dq1}, false},
		{"a count of 7", cellKey{cD, "P8", svcCare, mSmallCount, dq1}, false},
		{"disclosure none keeps 3/8", cellKey{cA, "P1", "homecare", mOnTime, dq1}, false},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			for table, cells := range map[string]map[cellKey]shown{"observations": obs, "comparisons": cmp} {
				c, ok := cells[tt.Key]
				if !ok {
					t.Fatalf("%s: no row %v", table, tt.Key)
				}
				if !tt.Hidden {
					if c.Status == "c" || c.Counts == nil {
						t.Errorf("%s: status %q, counts %v; want the figure shown", table, c.Status, c.Counts)
					}
					continue
				}
				want := row{"status": "c", "value": nil, "numerator": nil, "denominator": nil}
				if table == "comparisons" {
					want = row{"status": "c", "value": nil, "numerator": nil, "denominator": nil, "ci95_lower": nil,
						"ci998_upper": nil, "z_score": nil, "percentile_rank": nil, "change_prev": nil, "change_year": nil,
						"band_national": "not_compared"}
				}
				check(t, table, c.Row, want)
			}
		})
	}
}

// TestSecondarySuppression checks which cells are hidden besides the small
// ones, and why.
//
//	A ch-falls Q1: P1 (3) is hidden beside the published total 30/9000, so
//	  the next part with a count above 0, smallest denominator first, goes
//	  too: P2 12/3000 (before P3 15/4000). Published: total and P3, whose
//	  difference 15/5000 is P1 and P2 together.
//	B/P1 ch-falls 2024-25: Q2 (4) is hidden beside the year 80/20000, so
//	  Q1 20/5000 goes too (all 5000; smallest numerator).
//	A/P2 ch-falls 2024-25: P2's Q1, hidden in the first round, is the only
//	  hidden quarter beside its year 50/12000, so the second round hides
//	  Q2 11/3000.
//	C user-satisfaction Q1: P6 (7/8) is hidden; the only other part, P5,
//	  has 0 respondents satisfied, which would leave P6's 7 plain
//	  (7 - 0), so the council-wide total goes instead.
//	C ch-falls Q1: the total (2/500) and P6 (2/200) are both small, so
//	  nothing more is hidden; P5 0/300 stays.
func TestSecondarySuppression(t *testing.T) {
	t.Parallel()
	cat := disclosureCatalogue(t)
	subs := disclosureSubs()
	db := buildFrom(t, cat, subs)
	obs := publishedCells(t, db, cat, "observations")
	got := hiddenCells(obs)
	want := []cellKey{
		// primary
		{cA, "P1", svcCare, mFalls, dq1}, {cB, "P1", svcCare, mFalls, dq2}, {cB, "P4", svcCare, mFalls, dq1},
		{cB, "P7", svcCare, mSat, dq1}, {cB, "P8", svcCare, mSat, dq1}, {cC, "", svcCare, mFalls, dq1},
		{cC, "P6", svcCare, mFalls, dq1}, {cC, "P6", svcCare, mSat, dq1}, {cD, "P8", svcCare, mFalls, dq1},
		{cD, "P1", svcCare, mSmallCount, dq1}, {cD, "P9", svcCare, mSafeguarding, dq1},
		// secondary
		{cA, "P2", svcCare, mFalls, dq1}, {cB, "P1", svcCare, mFalls, dq1}, {cA, "P2", svcCare, mFalls, dq2},
		{cC, "", svcCare, mSat, dq1},
	}
	sort.Slice(want, func(i, j int) bool { return want[i].protectKey() < want[j].protectKey() })
	if !reflect.DeepEqual(got, want) {
		t.Errorf("hidden cells:\n got %v\nwant %v", got, want)
	}
	// A cell Yardstick hides loses its note, which may quote it; a shown
	// cell, and one the council marked [c] itself, keep theirs.
	check(t, "A/P2 Q1", obs[cellKey{cA, "P2", svcCare, mFalls, dq1}].Row, row{"status": "c", "value": nil, "numerator": nil, "denominator": nil, "note": ""})
	check(t, "A/P3 Q1", obs[cellKey{cA, "P3", svcCare, mFalls, dq1}].Row, row{"note": "New falls protocol from May"})
	check(t, "D/P9 Q1", obs[cellKey{cD, "P9", svcCare, mSafeguarding, dq1}].Row, row{"status": "c", "numerator": nil, "denominator": nil, "note": "Withheld: under investigation"})
	if err := db.CheckDisclosure(context.Background()); err != nil {
		t.Errorf("CheckDisclosure = %v, want nil", err)
	}
}

// TestPooledAfterSuppression checks pooled figures against values worked by
// hand over the published cells only.
//
//	ch-falls Q1, providers: shown A/P3 15/4000, C/P5 0/300, D/P1 40/6000
//	  -> 55/10300 x 1000 = 5.339805825; 3 values (3.75, 0, 6.666667),
//	  fewer than schemas.MinGroupRows, so no median (it would be 3.75);
//	  3 councils, 3 providers. (With the hidden cells it would have been
//	  100/21408.)
//	ch-falls Q1, council-wide: A 30/9000 alone (C is hidden) -> 3.333333
//	ch-falls Q2, providers: both cells hidden -> no value, no counts
//	ch-falls Q3, providers: A/P2 13/3000 + B/P1 25/5000 = 38/8000 -> 4.75
//	ch-falls 2024-25, providers: 50/12000 + 80/20000 = 130/32000 -> 4.0625
//	user-satisfaction Q1, providers: C/P5 0/20 alone -> 0
//	test-small-count Q1: D/P8's 7 alone (mean) -> 7
//	profile P1 ch-falls Q1: A and B hidden, D 40/6000 -> 6.666667, 1 council
//	profile P2 ch-falls Q1: hidden -> no value; 2024-25: 50/12000 -> 4.166667
func TestPooledAfterSuppression(t *testing.T) {
	t.Parallel()
	cat := disclosureCatalogue(t)
	db := buildFrom(t, cat, disclosureSubs())
	bench := tableRows(t, db, "benchmarks")
	for _, tt := range []struct {
		Name string
		Key  row
		Want row
	}{
		{"falls Q1 providers", row{"metric": mFalls, "period": dq1, "level": "provider"},
			row{"sum_numerator": 55, "sum_denominator": 10300, "national_value": 55.0 / 10300 * 1000, "national_n": 3,
				"n_pooled": 3, "n_councils": 3, "n_providers": 3, "median": nil}},
		{"falls Q1 council-wide", row{"metric": mFalls, "period": dq1, "level": "council"},
			row{"sum_numerator": 30, "sum_denominator": 9000, "national_value": 30.0 / 9000 * 1000, "national_n": 1}},
		{"falls Q2 providers", row{"metric": mFalls, "period": dq2, "level": "provider"},
			row{"sum_numerator": nil, "sum_denominator": nil, "national_value": nil, "national_n": 0}},
		{"falls Q3 providers", row{"metric": mFalls, "period": dq3, "level": "provider"},
			row{"sum_numerator": 38, "sum_denominator": 8000, "national_value": 4.75, "national_n": 2}},
		{"falls year providers", row{"metric": mFalls, "period": dfy, "level": "provider"},
			row{"sum_numerator": 130, "sum_denominator": 32000, "national_value": 4.0625, "national_n": 2}},
		{"satisfaction Q1 providers", row{"metric": mSat, "period": dq1, "level": "provider"},
			row{"sum_numerator": 0, "sum_denominator": 20, "national_value": 0.0, "national_n": 1}},
		{"satisfaction Q1 council-wide", row{"metric": mSat, "period": dq1, "level": "council"},
			row{"sum_numerator": nil, "national_value": nil, "national_n": 0}},
		{"small count Q1", row{"metric": mSmallCount, "period": dq1, "level": "provider"},
			row{"national_value": 7.0, "national_n": 1}},
	} {
		t.Run(tt.Name, func(t *testing.T) {
			check(t, tt.Name, pick(t, bench, tt.Key), tt.Want)
		})
	}
	cmp := tableRows(t, db, "comparisons")
	check(t, "A/P3 national", pick(t, cmp, row{"metric": mFalls, "period": dq1, "council_code": cA, "provider_id": "P3"}),
		row{"national_value": 55.0 / 10300 * 1000, "national_n": 3, "national_median": nil, "percentile_rank": nil, "band_national": "not_compared"})
	prof := tableRows(t, db, "provider_profile")
	check(t, "P1 Q1", pick(t, prof, row{"provider_id": "P1", "metric": mFalls, "period": dq1}),
		row{"numerator": 40, "denominator": 6000, "value": 40.0 / 6000 * 1000, "n_councils": 1, "n_values": 1})
	check(t, "P2 Q1", pick(t, prof, row{"provider_id": "P2", "metric": mFalls, "period": dq1}),
		row{"numerator": nil, "denominator": nil, "value": nil, "n_councils": 0, "n_values": 0})
	check(t, "P2 year", pick(t, prof, row{"provider_id": "P2", "metric": mFalls, "period": dfy}),
		row{"numerator": 50, "denominator": 12000, "value": 50.0 / 12000 * 1000})
}

// group is a total and the figures it adds up, as a reader would link them
// (worked out here independently of disclosure_links.sql).
type group struct {
	Name  string
	Total cellKey
	Parts []cellKey
}

// readerGroups links the published cells: a council-wide row with the
// provider rows of its council, service, metric and period; a year or
// quarter with the rows of the same council, provider, service and metric
// for the quarters or months in it.
func readerGroups(t testing.TB, cells map[cellKey]shown) []group {
	t.Helper()
	period := func(id string) schemas.Period {
		p, err := schemas.ParsePeriod(id)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	var out []group
	for k := range cells {
		if k.Provider == "" {
			g := group{Name: "council-wide total", Total: k}
			for p := range cells {
				if p.Provider != "" && p.Council == k.Council && p.Service == k.Service && p.Metric == k.Metric && p.Period == k.Period {
					g.Parts = append(g.Parts, p)
				}
			}
			if len(g.Parts) > 0 {
				out = append(out, g)
			}
		}
		tp := period(k.Period)
		for _, kind := range []schemas.PeriodKind{schemas.Quarter, schemas.Month} {
			if tp.Kind == kind || tp.Kind == schemas.Month {
				continue
			}
			g := group{Name: string(tp.Kind) + " over " + string(kind) + "s", Total: k}
			for p := range cells {
				if p.Council != k.Council || p.Provider != k.Provider || p.Service != k.Service || p.Metric != k.Metric {
					continue
				}
				pp := period(p.Period)
				if pp.Kind == kind && !pp.Start.Before(tp.Start) && !pp.End.After(tp.End) {
					g.Parts = append(g.Parts, p)
				}
			}
			if len(g.Parts) > 0 {
				out = append(out, g)
			}
		}
	}
	return out
}

// TestNoSuppressedValueRecoverable attacks a release the way a reader
// could, with the true counts at hand to recognise success: for every
// hidden cell, subtract the published figures from every published total
// and pool that could hold it, and from every change, and check that what
// is left is never that cell's counts (or value).
func TestNoSuppressedValueRecoverable(t *testing.T) {
	t.Parallel()
	cat := disclosureCatalogue(t)
	subs := disclosureSubs()
	db := buildFrom(t, cat, subs)
	attackRelease(t, db, cat, truthOf(t, cat, subs), 20)
}

// attackRelease runs the subtraction attacks on a built release and fails
// t if any recovers a hidden cell; at least minAttempts attacks must be
// possible, so the test cannot pass by attacking nothing.
func attackRelease(t *testing.T, db *DB, cat *schemas.Catalogue, truth map[cellKey]counts, minAttempts int) {
	t.Helper()
	obs := publishedCells(t, db, cat, "observations")
	cmp := publishedCells(t, db, cat, "comparisons")
	hidden := hiddenCells(obs)
	if len(hidden) == 0 {
		t.Fatal("nothing is hidden")
	}
	attempts := 0
	recovered := func(how string, k cellKey, got counts) {
		t.Helper()
		attempts++
		if want := truth[k]; got == want {
			t.Errorf("%s recovers hidden %v: %v", how, k, got)
		}
	}

	// Totals minus the parts shown; a hidden total as the sum of its parts.
	for _, g := range readerGroups(t, obs) {
		var rest counts
		usable := true
		var hiddenParts []cellKey
		for _, p := range g.Parts {
			switch c := obs[p]; {
			case c.Status == "c":
				hiddenParts = append(hiddenParts, p)
			case c.Counts != nil:
				rest.X += c.Counts.X
				rest.N += c.Counts.N
			default:
				usable = false
			}
		}
		if !usable {
			continue
		}
		if total := obs[g.Total]; total.Status != "c" && total.Counts != nil {
			for _, h := range hiddenParts {
				recovered(g.Name+" minus the parts shown", h, counts{total.Counts.X - rest.X, total.Counts.N - rest.N})
			}
		} else if total.Status == "c" {
			recovered(g.Name+" as the sum of its parts", g.Total, rest)
		}
	}

	// National pools minus the cells shown in them.
	type poolKey struct{ Metric, Period, Service, Level, Provider string }
	level := func(k cellKey) string {
		if k.Provider == "" {
			return "council"
		}
		return "provider"
	}
	shownIn := map[poolKey]counts{}
	hiddenIn := map[poolKey][]cellKey{}
	for k, c := range cmp {
		nat := poolKey{k.Metric, k.Period, k.Service, level(k), ""}
		prof := poolKey{k.Metric, k.Period, k.Service, "profile", k.Provider}
		for _, pk := range []poolKey{nat, prof} {
			if c.Status == "c" {
				hiddenIn[pk] = append(hiddenIn[pk], k)
			} else if c.Counts != nil {
				s := shownIn[pk]
				s.X += c.Counts.X
				s.N += c.Counts.N
				shownIn[pk] = s
			}
		}
	}
	poolAttack := func(pk poolKey, x, n any, table string) {
		t.Helper()
		px, _ := asFloat(x)
		pn, _ := asFloat(n)
		rest := counts{px - shownIn[pk].X, pn - shownIn[pk].N}
		if rest != (counts{}) {
			t.Errorf("%s %v pools %v more than the cells shown", table, pk, rest)
		}
		for _, h := range hiddenIn[pk] {
			recovered(table+" pool minus the cells shown", h, rest)
		}
	}
	for _, b := range tableRows(t, db, "benchmarks") {
		pk := poolKey{fmt.Sprint(b["metric"]), fmt.Sprint(b["period"]), fmt.Sprint(b["service"]), fmt.Sprint(b["level"]), ""}
		if m, _ := cat.Metric(pk.Metric); m.Kind == schemas.KindCount {
			// A count's national value is the mean of the counts shown.
			v, _ := asFloat(b["national_value"])
			n, _ := asFloat(b["national_n"])
			poolAttack(pk, v*n, 0.0, "benchmarks")
			continue
		}
		poolAttack(pk, b["sum_numerator"], b["sum_denominator"], "benchmarks")
	}
	for _, p := range tableRows(t, db, "provider_profile") {
		pk := poolKey{fmt.Sprint(p["metric"]), fmt.Sprint(p["period"]), fmt.Sprint(p["service"]), "profile", fmt.Sprint(p["provider_id"])}
		if m, _ := cat.Metric(pk.Metric); m.Kind == schemas.KindCount {
			v, _ := asFloat(p["value"])
			n, _ := asFloat(p["n_values"])
			poolAttack(pk, v*n, 0.0, "provider_profile")
			continue
		}
		poolAttack(pk, p["numerator"], p["denominator"], "provider_profile")
	}

	// Changes: a later figure minus its change is the earlier one.
	for k, c := range cmp {
		p, err := schemas.ParsePeriod(k.Period)
		if err != nil {
			t.Fatal(err)
		}
		for col, earlier := range map[string]string{"change_prev": p.Previous().ID, "change_year": p.YearEarlier().ID} {
			e := cellKey{k.Council, k.Provider, k.Service, k.Metric, earlier}
			if obs[e].Status != "c" || c.Value == nil {
				continue
			}
			attempts++
			if ch, ok := asFloat(c.Row[col]); ok {
				m, _ := cat.Metric(k.Metric)
				tr := truth[e]
				if math.Abs(*c.Value-ch-tr.X/tr.N*m.Multiplier) < 1e-9 {
					t.Errorf("%v minus its %s recovers hidden %v", k, col, e)
				}
			}
		}
	}
	if attempts < minAttempts {
		t.Errorf("%d attacks attempted, want at least %d", attempts, minAttempts)
	}
}

// TestCheckDisclosureFails corrupts a suppressed release the ways a faulty
// suppression could and checks that CheckDisclosure refuses each, naming
// the cell.
func TestCheckDisclosureFails(t *testing.T) {
	t.Parallel()
	type stmt struct {
		File string
		Args []any
	}
	cell := func(council, provider, metric, period string, extra ...any) []any {
		return append([]any{sql.Named("council", council), sql.Named("provider", provider),
			sql.Named("metric", metric), sql.Named("period", period)}, extra...)
	}
	counts := func(num, den int64) []any { return []any{sql.Named("num", num), sql.Named("den", den)} }
	tests := []struct {
		Name  string
		Stmts []stmt
		Want  Violation // Rule, Table, Metric, Period, Council, Provider
	}{
		{"a small cell shown in observations",
			[]stmt{{"unhide_observation", cell(cA, "P1", mFalls, dq1, counts(3, 2000)...)}},
			Violation{Rule: "small-count", Table: "observations", Metric: mFalls, Period: dq1, Council: cA, Provider: "P1"}},
		{"a small cell shown in comparisons",
			[]stmt{{"unhide_comparison", cell(cA, "P1", mFalls, dq1, counts(3, 2000)...)}},
			Violation{Rule: "small-count", Table: "comparisons", Metric: mFalls, Period: dq1, Council: cA, Provider: "P1"}},
		{"a secondary cell shown in comparisons alone",
			[]stmt{{"unhide_comparison", cell(cA, "P2", mFalls, dq1, counts(12, 3000)...)}},
			Violation{Rule: "tables-disagree", Table: "comparisons", Metric: mFalls, Period: dq1, Council: cA, Provider: "P2"}},
		{"a secondary cell shown, leaving P1 alone beside the total",
			[]stmt{{"unhide_observation", cell(cA, "P2", mFalls, dq1, counts(12, 3000)...)},
				{"unhide_comparison", cell(cA, "P2", mFalls, dq1, counts(12, 3000)...)}},
			Violation{Rule: "lone-hidden", Table: "observations", Metric: mFalls, Period: dq1, Council: cA, Provider: "P1"}},
		{"the same, found by the audit",
			[]stmt{{"unhide_observation", cell(cA, "P2", mFalls, dq1, counts(12, 3000)...)},
				{"unhide_comparison", cell(cA, "P2", mFalls, dq1, counts(12, 3000)...)}},
			Violation{Rule: "determined", Table: "observations", Metric: mFalls, Period: dq1, Council: cA, Provider: "P1"}},
		{"a total published beside one hidden provider",
			[]stmt{{"insert_total", cell(cD, "P1", mFalls, dq1, counts(42, 6900)...)}},
			Violation{Rule: "lone-hidden", Table: "observations", Metric: mFalls, Period: dq1, Council: cD, Provider: "P8"}},
		{"a benchmark pooling a hidden cell",
			[]stmt{{"pool_benchmark", []any{sql.Named("metric", mFalls), sql.Named("period", dq1), sql.Named("num", 3), sql.Named("den", 2000)}}},
			Violation{Rule: "pool-includes-hidden", Table: "benchmarks", Metric: mFalls, Period: dq1}},
		{"a provider profile pooling a hidden cell",
			[]stmt{{"pool_profile", []any{sql.Named("provider", "P1"), sql.Named("metric", mFalls), sql.Named("period", dq1), sql.Named("num", 3), sql.Named("den", 2000)}}},
			Violation{Rule: "pool-includes-hidden", Table: "provider_profile", Metric: mFalls, Period: dq1, Provider: "P1"}},
		{"a funnel spanning a hidden denominator",
			[]stmt{{"pool_funnel", []any{sql.Named("metric", mFalls), sql.Named("period", dq1), sql.Named("den", 200.0)}}},
			Violation{Rule: "pool-includes-hidden", Table: "funnel_limits", Metric: mFalls, Period: dq1}},
		{"a band on a hidden cell",
			[]stmt{{"band_hidden", cell(cA, "P1", mFalls, dq1)}},
			Violation{Rule: "hidden-shown", Table: "comparisons", Metric: mFalls, Period: dq1, Council: cA, Provider: "P1"}},
		{"a change from a hidden quarter",
			[]stmt{{"change_from_hidden", cell(cB, "P1", mFalls, dq3, sql.Named("change", 4.2))}},
			Violation{Rule: "change-reveals", Table: "comparisons", Metric: mFalls, Period: dq3, Council: cB, Provider: "P1"}},
		{"a trend over a hidden quarter",
			[]stmt{{"trend_over_hidden", cell(cB, "P1", mFalls, dq4)}},
			Violation{Rule: "trend-reveals", Table: "comparisons", Metric: mFalls, Period: dq4, Council: cB, Provider: "P1"}},
	}
	// One build, copied for each case to corrupt.
	ctx := context.Background()
	release := buildFile(t, disclosureCatalogue(t), disclosureSubs())
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			t.Parallel()
			db := openCopy(t, release)
			if err := db.CheckDisclosure(ctx); err != nil {
				t.Fatalf("before corruption: %v", err)
			}
			for _, st := range tt.Stmts {
				if _, err := db.db.ExecContext(ctx, testSQL(t, "disclosure/"+st.File), st.Args...); err != nil {
					t.Fatalf("%s: %v", st.File, err)
				}
			}
			err := db.CheckDisclosure(ctx)
			if !errors.Is(err, ErrDisclosure) {
				t.Fatalf("CheckDisclosure = %v, want ErrDisclosure", err)
			}
			var de *DisclosureError
			if !errors.As(err, &de) {
				t.Fatalf("CheckDisclosure = %T, want *DisclosureError", err)
			}
			for _, v := range de.Violations {
				if v.Rule == tt.Want.Rule && v.Table == tt.Want.Table && v.Metric == tt.Want.Metric &&
					v.Period == tt.Want.Period && v.Council == tt.Want.Council && v.Provider == tt.Want.Provider {
					if !strings.Contains(err.Error(), v.String()) {
						t.Errorf("error %q does not name %s", err, v)
					}
					return
				}
			}
			t.Errorf("violations %v\nwant one like %+v", de.Violations, tt.Want)
		})
	}
}

// TestSuppressionBreaksChains: in a table of providers by quarters with
// every total published (each provider's year, the council's quarters and
// its year), two blocks of small cells and one cell joining them leave no
// total with a single hidden figure, yet the joining cell is given back by
// adding and subtracting totals:
//
//	      Q1 Q2 Q3 Q4
//	P1    c  c  .  .      rows P1 + P2 minus columns Q1 + Q2, each less
//	P2    c  c  c  .      the cells shown, leaves exactly P2/Q3
//	P3    .  .  c  c
//	P4    .  .  c  c
//
// The exact audit finds it and hides P2/Q4 (P2's year) and P1/Q3 (the
// council's Q3). That is no longer enough: the council's Q1 (24) less
// P3/Q1 and P4/Q1 (10 each) leaves 4 for P1/Q1 + P2/Q1, so each is held
// between 0 and 4, narrower than SafetyWidth, and the interval audit hides
// more. The test checks the outcome, not the cells chosen: every cell
// hidden before still is, the chain attack recovers nothing, and bounds
// worked out from the published cells alone leave every small count a
// range of at least SafetyWidth.
func TestSuppressionBreaksChains(t *testing.T) {
	t.Parallel()
	const metric = "complaints-upheld" // rate per 1,000, small_counts
	quarters := []string{dq1, dq2, dq3, dq4}
	tiny := map[[2]int]bool{{1, 1}: true, {1, 2}: true, {2, 1}: true, {2, 2}: true, {2, 3}: true,
		{3, 3}: true, {3, 4}: true, {4, 3}: true, {4, 4}: true}
	var rows []obs
	var yearX, yearN [5]int64
	var quarterX, quarterN [5]int64
	for p := 1; p <= 4; p++ {
		for q := 1; q <= 4; q++ {
			x, n := int64(10), int64(1000)
			if tiny[[2]int{p, q}] {
				x, n = 2, 500
			}
			yearX[p], yearN[p] = yearX[p]+x, yearN[p]+n
			quarterX[q], quarterN[q] = quarterX[q]+x, quarterN[q]+n
			rows = append(rows, obs{Provider: fmt.Sprintf("P%d", p), Service: svcCare, Metric: metric, Period: quarters[q-1], Num: i64(x), Den: i64(n)})
		}
		rows = append(rows, obs{Provider: fmt.Sprintf("P%d", p), Service: svcCare, Metric: metric, Period: dfy, Num: i64(yearX[p]), Den: i64(yearN[p])})
	}
	var allX, allN int64
	for q := 1; q <= 4; q++ {
		rows = append(rows, obs{Service: svcCare, Metric: metric, Period: quarters[q-1], Num: i64(quarterX[q]), Den: i64(quarterN[q])})
		allX, allN = allX+quarterX[q], allN+quarterN[q]
	}
	rows = append(rows, obs{Service: svcCare, Metric: metric, Period: dfy, Num: i64(allX), Den: i64(allN)})
	subs := []sub{{ID: "grid", Council: cA, Received: day("2025-04-10"), Rows: rows}}

	cat := disclosureCatalogue(t)
	db := buildFrom(t, cat, subs)
	obsCells := publishedCells(t, db, cat, "observations")
	key := func(p, q int) cellKey { return cellKey{cA, fmt.Sprintf("P%d", p), svcCare, metric, quarters[q-1]} }
	var want []cellKey
	for pq := range tiny {
		want = append(want, key(pq[0], pq[1]))
	}
	want = append(want, key(2, 4), key(1, 3))
	for _, k := range want {
		if obsCells[k].Status != "c" {
			t.Errorf("%v is shown, want it hidden", k)
		}
	}
	// The old rule's bound, worked by hand: Q1's total less the cells
	// shown beside P1/Q1 and P2/Q1, had they stayed the only hidden ones.
	if c := obsCells[cellKey{cA, "", svcCare, metric, dq1}]; c.Status != "c" {
		rest := c.Counts.X
		for p := 3; p <= 4; p++ {
			if s := obsCells[key(p, 1)]; s.Status != "c" {
				rest -= s.Counts.X
			}
		}
		if rest < SafetyWidth {
			t.Errorf("Q1's total less the cells shown leaves %v for the hidden cells, under the safety interval", rest)
		}
	}

	// The chain attack: rows P1 and P2 less their quarters shown, minus
	// columns Q1 and Q2 less their providers shown.
	var rest counts
	add := func(k cellKey, sign float64) {
		if c := obsCells[k]; c.Status != "c" {
			rest.X += sign * c.Counts.X
			rest.N += sign * c.Counts.N
		}
	}
	for p := 1; p <= 2; p++ {
		add(cellKey{cA, fmt.Sprintf("P%d", p), svcCare, metric, dfy}, 1)
		for q := 1; q <= 4; q++ {
			add(key(p, q), -1)
		}
	}
	for q := 1; q <= 2; q++ {
		add(cellKey{cA, "", svcCare, metric, quarters[q-1]}, -1)
		for p := 1; p <= 4; p++ {
			add(key(p, q), 1)
		}
	}
	truth := truthOf(t, cat, subs)
	if rest == truth[key(2, 3)] {
		t.Errorf("rows P1, P2 minus columns Q1, Q2 recover P2/Q3: %v", rest)
	}
	attackRelease(t, db, cat, truth, 20)
	var small []cellKey
	for pq := range tiny {
		small = append(small, key(pq[0], pq[1]))
	}
	boundsAttack(t, obsCells, cat, small)
}

// TestDetermined checks the audit on linked groups given directly. Each
// group is an equation total - sum(parts) = 0 whose hidden members are
// listed; the others are published.
func TestDetermined(t *testing.T) {
	t.Parallel()
	// Groups and cells are named here and numbered, in order of first
	// use, as hiddenLinks numbers them (gid, rowid).
	number := func(names map[string]int64, name string) int64 {
		n, ok := names[name]
		if !ok {
			n = int64(len(names))
			names[name] = n
		}
		return n
	}
	groups, cells := map[string]int64{}, map[string]int64{}
	l := func(group, cell string, total bool) hiddenLink {
		return hiddenLink{Group: number(groups, group), Cell: number(cells, cell), Total: total}
	}
	grid := func(cells ...[2]int) []hiddenLink {
		var out []hiddenLink
		for _, c := range cells {
			name := fmt.Sprintf("P%dQ%d", c[0], c[1])
			out = append(out, l(fmt.Sprintf("row%d", c[0]), name, false), l(fmt.Sprintf("col%d", c[1]), name, false))
		}
		return out
	}
	tests := []struct {
		Name  string
		Links []hiddenLink
		Want  []string
	}{
		{"nothing hidden", nil, nil},
		{"one hidden part", []hiddenLink{l("g", "a", false)}, []string{"a"}},
		{"a hidden total alone", []hiddenLink{l("g", "T", true)}, []string{"T"}},
		{"two hidden parts", []hiddenLink{l("g", "a", false), l("g", "b", false)}, nil},
		{"a hidden total and part", []hiddenLink{l("g", "T", true), l("g", "a", false)}, nil},
		{"a pair split by another group", []hiddenLink{l("g1", "a", false), l("g1", "b", false), l("g2", "b", false)},
			[]string{"a", "b"}},
		// g1's members apart, g2's between them: a group is one equation
		// wherever its members come (split, g1 would pin a and b).
		{"two pairs, one apart", []hiddenLink{l("g1", "a", false), l("g2", "c", false), l("g2", "d", false), l("g1", "b", false)},
			nil},
		{"a total hidden in one group, part of another",
			[]hiddenLink{l("year", "Y", true), l("year", "q1", false), l("council", "Y", false), l("council", "y2", false)}, nil},
		{"a two by two block", grid([2]int{1, 1}, [2]int{1, 2}, [2]int{2, 1}, [2]int{2, 2}), nil},
		{"two blocks joined by a bridge", grid([2]int{1, 1}, [2]int{1, 2}, [2]int{2, 1}, [2]int{2, 2}, [2]int{2, 3},
			[2]int{3, 3}, [2]int{3, 4}, [2]int{4, 3}, [2]int{4, 4}), []string{"P2Q3"}},
		{"the bridge closed by two more cells", grid([2]int{1, 1}, [2]int{1, 2}, [2]int{2, 1}, [2]int{2, 2}, [2]int{2, 3},
			[2]int{3, 3}, [2]int{3, 4}, [2]int{4, 3}, [2]int{4, 4}, [2]int{2, 4}, [2]int{1, 3}), nil},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			t.Parallel()
			var got []string
			rids := determined(tt.Links)
			if !slices.IsSorted(rids) {
				t.Errorf("determined = %v, want the rowids sorted", rids)
			}
			for _, rid := range rids {
				for name, n := range cells {
					if n == rid {
						got = append(got, name)
					}
				}
			}
			sort.Strings(got)
			if !reflect.DeepEqual(got, tt.Want) {
				t.Errorf("determined = %v, want %v", got, tt.Want)
			}
		})
	}
}

// TestCheckDisclosureReadOnly checks a release file after the fact, opened
// read-only as a server opens it.
func TestCheckDisclosureReadOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	file := buildFile(t, disclosureCatalogue(t), disclosureSubs())
	ro, err := Open(ctx, file, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if err := ro.CheckDisclosure(ctx); err != nil {
		t.Errorf("CheckDisclosure = %v, want nil", err)
	}
}

// TestBuildRefusesBrokenDisclosure breaks suppression inside Build, as a
// faulty rule would, by showing a cell it hid; Build must then fail with
// ErrDisclosure naming the cell, so publish (which stops on any Build
// error, leaving the live release as it was) cannot finish.
func TestBuildRefusesBrokenDisclosure(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "yardstick.duckdb"), Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	in := BuildInput{DataDir: writeDataDir(t, disclosureSubs()...), Catalogue: disclosureCatalogue(t),
		Councils: fixtureCouncils(t), Neighbours: 2}
	unhid := 0
	in.afterSuppress = func(ctx context.Context, conn *sql.Conn) error {
		res, err := conn.ExecContext(ctx, testSQL(t, "disclosure/unhide_observation"),
			sql.Named("council", cA), sql.Named("provider", "P1"), sql.Named("metric", mFalls),
			sql.Named("period", dq1), sql.Named("num", int64(3)), sql.Named("den", int64(2000)))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		unhid = int(n)
		return err
	}
	err = db.Build(ctx, in)
	if unhid != 1 {
		t.Fatalf("the test showed %d cells, want 1: the fixture no longer hides %s P1 %s %s", unhid, cA, mFalls, dq1)
	}
	if !errors.Is(err, ErrDisclosure) {
		t.Fatalf("Build = %v, want ErrDisclosure", err)
	}
	if !strings.Contains(err.Error(), cA) || !strings.Contains(err.Error(), mFalls) {
		t.Errorf("error %q does not name the cell", err)
	}
}
