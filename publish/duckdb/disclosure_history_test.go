package duckdb

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/yardstick-open/yardstick/schemas"
)

// buildRelease builds the data folder root, as publish would, and when
// that succeeds writes the observations table and the disclosure history
// where a release's data/observations.parquet and
// data/disclosure-history.parquet live, as release id, so the next build
// reads it as history. It returns the built database and Build's error.
func buildRelease(t *testing.T, root, id string, cat *schemas.Catalogue) (*DB, error) {
	t.Helper()
	return buildReleaseLogged(t, root, id, cat, nil)
}

// buildReleaseLogged is buildRelease with the build's log sent to logf.
func buildReleaseLogged(t *testing.T, root, id string, cat *schemas.Catalogue, logf func(string, ...any)) (*DB, error) {
	t.Helper()
	ctx := context.Background()
	db := openTest(t)
	in := BuildInput{DataDir: root, Catalogue: cat, Councils: fixtureCouncils(t), Neighbours: 2, Logf: logf}
	if err := db.Build(ctx, in); err != nil {
		return db, err
	}
	path := filepath.Join(schemas.Layout{Root: root}.Release(id), filepath.FromSlash(schemas.ObservationsParquet))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := db.ExportParquet(ctx, "observations", path); err != nil {
		t.Fatal(err)
	}
	history := filepath.Join(schemas.Layout{Root: root}.Release(id), filepath.FromSlash(schemas.DisclosureHistoryParquet))
	if err := db.WriteHistory(ctx, history); err != nil {
		t.Fatal(err)
	}
	return db, nil
}

// withoutHistory removes release id's disclosure history, leaving it as a
// release made before releases carried one, which Build reads directly.
func withoutHistory(t *testing.T, root, id string) {
	t.Helper()
	path := filepath.Join(schemas.Layout{Root: root}.Release(id), filepath.FromSlash(schemas.DisclosureHistoryParquet))
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
}

// falls is a ch-falls row (a rate per 1,000 bed days under small_counts)
// of council A's care homes.
func falls(provider, period string, num, den int64) obs {
	return obs{Provider: provider, Service: svcCare, Metric: mFalls, Period: period, Num: i64(num), Den: i64(den)}
}

// TestHistoryKnown checks that figures an earlier release published count
// as known, worked by hand:
//
//	release 1  council A ch-falls Q1: P1 12/3000, P2 15/4000, P3 20/5000,
//	           no council-wide row; nothing small, all published.
//	release 2  the council resubmits Q1 with a new provider P4 2/1000
//	           (small) and the council-wide total 49/13000; P1 to P3 are
//	           unchanged.
//
// Without history, P4's complement would be P1, the part with a count and
// the smallest denominator; but release 1 published P1 as 12/3000, so the
// total less P2, P3 and release 1's P1 would give P4 back. P1 to P3 are
// known, so the total is hidden instead: it less the parts shown leaves
// 49 - 15 - 20 - 12 = 2 for P4 and the total together, and P4 is anywhere
// from 0 up. The same build without release 1 hides P1, as before.
func TestHistoryKnown(t *testing.T) {
	t.Parallel()
	cat := disclosureCatalogue(t)
	root := writeDataDir(t, sub{ID: "h1", Council: cA, Received: day("2025-04-10"), Rows: []obs{
		falls("P1", dq1, 12, 3000), falls("P2", dq1, 15, 4000), falls("P3", dq1, 20, 5000),
	}})
	db, err := buildRelease(t, root, "r1", cat)
	if err != nil {
		t.Fatal(err)
	}
	if got := hiddenCells(publishedCells(t, db, cat, "observations")); len(got) != 0 {
		t.Fatalf("release 1 hides %v, want nothing", got)
	}
	second := sub{ID: "h2", Council: cA, Received: day("2025-05-10"), Rows: []obs{
		falls("", dq1, 49, 13000), falls("P1", dq1, 12, 3000), falls("P2", dq1, 15, 4000),
		falls("P3", dq1, 20, 5000), falls("P4", dq1, 2, 1000),
	}}
	addSubmissions(t, root, second)
	db, err = buildRelease(t, root, "r2", cat)
	if err != nil {
		t.Fatal(err)
	}
	got := hiddenCells(publishedCells(t, db, cat, "observations"))
	want := []cellKey{{cA, "", svcCare, mFalls, dq1}, {cA, "P4", svcCare, mFalls, dq1}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("release 2 hides %v, want %v", got, want)
	}

	// Without release 1 to remember, P1 is the complement.
	alone := buildFrom(t, cat, []sub{second})
	got = hiddenCells(publishedCells(t, alone, cat, "observations"))
	want = []cellKey{{cA, "P1", svcCare, mFalls, dq1}, {cA, "P4", svcCare, mFalls, dq1}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("without history, hides %v, want %v", got, want)
	}
}

// TestHistorySticky checks that a cell an earlier release withheld stays
// withheld, so that a correction cannot be set against the earlier
// release to give a hidden figure back (worked by hand):
//
//	release 1  Q1: council-wide 50/12000; P1 3/2000 (small), P2 12/3000,
//	           P3 35/7000. P1 is hidden and P2 with it (smallest
//	           denominator with a count): P1 + P2 = 50 - 35 = 15.
//	release 2  a correction: P1 becomes 13/2000, no longer small, and the
//	           total 60/12000. Nothing is small now, so without the rule
//	           everything would be shown, and release 1's 15 less P2's 12
//	           would give P1's withheld 3. P1 and P2 stay hidden:
//	           P1 + P2 = 60 - 35 = 25 now, and release 1's equation no
//	           longer holds of today's figures (13 + 12 is not 15), so
//	           nothing ties the two releases' unknowns.
func TestHistorySticky(t *testing.T) {
	t.Parallel()
	cat := disclosureCatalogue(t)
	root := writeDataDir(t, sub{ID: "s1", Council: cA, Received: day("2025-04-10"), Rows: []obs{
		falls("", dq1, 50, 12000), falls("P1", dq1, 3, 2000), falls("P2", dq1, 12, 3000), falls("P3", dq1, 35, 7000),
	}})
	db, err := buildRelease(t, root, "r1", cat)
	if err != nil {
		t.Fatal(err)
	}
	want := []cellKey{{cA, "P1", svcCare, mFalls, dq1}, {cA, "P2", svcCare, mFalls, dq1}}
	if got := hiddenCells(publishedCells(t, db, cat, "observations")); !reflect.DeepEqual(got, want) {
		t.Fatalf("release 1 hides %v, want %v", got, want)
	}
	addSubmissions(t, root, sub{ID: "s2", Council: cA, Received: day("2025-05-10"), Rows: []obs{
		falls("", dq1, 60, 12000), falls("P1", dq1, 13, 2000), falls("P2", dq1, 12, 3000), falls("P3", dq1, 35, 7000),
	}})
	db, err = buildRelease(t, root, "r2", cat)
	if err != nil {
		t.Fatal(err)
	}
	cells := publishedCells(t, db, cat, "observations")
	if got := hiddenCells(cells); !reflect.DeepEqual(got, want) {
		t.Errorf("release 2 hides %v, want %v", got, want)
	}
	if c := cells[cellKey{cA, "", svcCare, mFalls, dq1}]; c.Counts == nil || *c.Counts != (counts{60, 12000}) {
		t.Errorf("release 2's total is %+v, want 60/12000 shown", c)
	}
}

// TestBuildRefusesWhenNoComplementIsSafe checks the cases where no cell
// can be hidden to protect a small one, so Build fails naming it:
//
//   - a lone part beside a known total: release 1 published council A's
//     Q1 total 52/13000 and P1 to P3 (12/3000, 15/4000, 23/5000; the
//     total also held a home not listed, 2/1000). Release 2 lists that
//     home, P4 2/1000, and leaves the rest as they were: the group now
//     adds up, 52 - 50 = 2 gives P4 back, and every other member is
//     known, so none can protect it. The error tells the council what to
//     do.
//   - hidden parts bounded by known totals: release 1 published the Q1
//     total 10/3000 and P1 6/1000 alone. Release 2 adds P2 2/1000 and P3
//     2/1000, both small, with the total and P1 unchanged: P2 + P3 = 10 -
//     6 = 4, so each is between 0 and 4, narrower than the safety
//     interval, and the only members that could widen it are known.
func TestBuildRefusesWhenNoComplementIsSafe(t *testing.T) {
	t.Parallel()
	tests := []struct {
		Name          string
		First, Second []obs
		Rule          string
		Cells         []string // providers the error must name
	}{
		{"a lone part beside a known total",
			[]obs{falls("", dq1, 52, 13000), falls("P1", dq1, 12, 3000), falls("P2", dq1, 15, 4000), falls("P3", dq1, 23, 5000)},
			[]obs{falls("", dq1, 52, 13000), falls("P1", dq1, 12, 3000), falls("P2", dq1, 15, 4000), falls("P3", dq1, 23, 5000),
				falls("P4", dq1, 2, 1000)},
			"lone-hidden", []string{"P4"}},
		{"hidden parts bounded by known totals",
			[]obs{falls("", dq1, 10, 3000), falls("P1", dq1, 6, 1000)},
			[]obs{falls("", dq1, 10, 3000), falls("P1", dq1, 6, 1000), falls("P2", dq1, 2, 1000), falls("P3", dq1, 2, 1000)},
			"narrow", []string{"P2", "P3"}},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			t.Parallel()
			cat := disclosureCatalogue(t)
			root := writeDataDir(t, sub{ID: "f1", Council: cA, Received: day("2025-04-10"), Rows: tt.First})
			if _, err := buildRelease(t, root, "r1", cat); err != nil {
				t.Fatalf("release 1: %v", err)
			}
			addSubmissions(t, root, sub{ID: "f2", Council: cA, Received: day("2025-05-10"), Rows: tt.Second})
			_, err := buildRelease(t, root, "r2", cat)
			var de *DisclosureError
			if !errors.As(err, &de) || !errors.Is(err, ErrDisclosure) {
				t.Fatalf("Build = %v, want a *DisclosureError", err)
			}
			var named []string
			for _, v := range de.Violations {
				if v.Rule == tt.Rule {
					if v.Council != cA || v.Metric != mFalls || v.Period != dq1 || v.Service != svcCare {
						t.Errorf("violation %v names the wrong cell", v)
					}
					named = append(named, v.Provider)
					if !strings.Contains(err.Error(), v.String()) {
						t.Errorf("error %q does not name %s", err, v)
					}
					if v.Rule == "lone-hidden" && !strings.Contains(v.Detail, "council "+cA+" should check its "+mFalls+" return for "+dq1) {
						t.Errorf("violation %v does not say which council and return to look at", v)
					}
				}
			}
			sort.Strings(named)
			named = uniqStrings(named)
			if !reflect.DeepEqual(named, tt.Cells) {
				t.Errorf("%s violations name %v, want %v; all: %v", tt.Rule, named, tt.Cells, de.Violations)
			}
		})
	}
}

func uniqStrings(s []string) []string {
	var out []string
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// TestComplementRule checks the small_counts rule on proportions at the
// edges, worked by hand (user-satisfaction, a proportion in percent, with
// no council-wide row, so nothing is hidden but the small cells):
//
//	P1 96/100  complement 4: hidden, as 4 dissatisfied is a small count
//	P2 95/100  complement 5: shown
//	P3 100/100 complement 0, 100% of at least 10: shown
//	P4 0/12    0% of at least 10: shown
//	P5 9/9     denominator under 10: hidden, as 0% and 100% of a group
//	           under 10 are
//	P6 0/9     hidden, likewise
//	P7 value 97 of 100 respondents, no numerator: the 3 it implies leave
//	           a complement of 3: hidden
func TestComplementRule(t *testing.T) {
	t.Parallel()
	cat := disclosureCatalogue(t)
	sat := func(provider string, num, den int64) obs {
		return obs{Provider: provider, Service: svcCare, Metric: mSat, Period: dq1, Num: i64(num), Den: i64(den)}
	}
	subs := []sub{{ID: "cr", Council: cA, Received: day("2025-04-10"), Rows: []obs{
		sat("P1", 96, 100), sat("P2", 95, 100), sat("P3", 100, 100), sat("P4", 0, 12), sat("P5", 9, 9), sat("P6", 0, 9),
		{Provider: "P7", Service: svcCare, Metric: mSat, Period: dq1, Den: i64(100), Value: f64(97)},
	}}}
	db := buildFrom(t, cat, subs)
	got := hiddenCells(publishedCells(t, db, cat, "observations"))
	var want []cellKey
	for _, p := range []string{"P1", "P5", "P6", "P7"} {
		want = append(want, cellKey{cA, p, svcCare, mSat, dq1})
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("hidden %v, want %v", got, want)
	}
}

// TestHistoryGivenAway checks that a range an earlier release already
// left narrow does not stop every later release. Release 1 is written as
// a release built under weaker rules would have been: council A's Q1
// total 10/3000, P1 6/1000 shown, P2 2/1000 and P3 2/1000 hidden, so
// P2 + P3 = 10 - 6 = 4 from release 1 alone, each 0 to 4. Release 2 has
// the same figures: P2 and P3 stay hidden, P1 and the total are known,
// and the range is no narrower than release 1 made it, so Build succeeds
// rather than refusing every release from now on.
func TestHistoryGivenAway(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cat := disclosureCatalogue(t)
	rows := []obs{falls("", dq1, 10, 3000), falls("P1", dq1, 6, 1000), falls("P2", dq1, 2, 1000), falls("P3", dq1, 2, 1000)}
	root := writeDataDir(t, sub{ID: "g1", Council: cA, Received: day("2025-04-10"), Rows: rows})
	db, err := buildRelease(t, root, "r1", cat)
	if err != nil {
		t.Fatal(err)
	}
	// Today's rules hide P1 too; the older release showed it.
	if c := publishedCells(t, db, cat, "observations")[cellKey{cA, "P1", svcCare, mFalls, dq1}]; c.Status != "c" {
		t.Fatalf("today's rules show P1 (%+v), want it hidden: the test no longer shows an older release", c)
	}
	if _, err := db.db.ExecContext(ctx, testSQL(t, "disclosure/unhide_observation"), sql.Named("council", cA),
		sql.Named("provider", "P1"), sql.Named("metric", mFalls), sql.Named("period", dq1),
		sql.Named("num", int64(6)), sql.Named("den", int64(1000))); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(schemas.Layout{Root: root}.Release("r1"), filepath.FromSlash(schemas.ObservationsParquet))
	if err := db.ExportParquet(ctx, "observations", path); err != nil {
		t.Fatal(err)
	}
	// A release of the older rules carried no disclosure history.
	withoutHistory(t, root, "r1")
	db, err = buildRelease(t, root, "r2", cat)
	if err != nil {
		t.Fatalf("release 2: %v", err)
	}
	got := hiddenCells(publishedCells(t, db, cat, "observations"))
	want := []cellKey{{cA, "P2", svcCare, mFalls, dq1}, {cA, "P3", svcCare, mFalls, dq1}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("release 2 hides %v, want %v", got, want)
	}
}
