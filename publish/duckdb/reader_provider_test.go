package duckdb

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/yardstick-open/yardstick/schemas"
)

// TestProviderPageMatchesComparisons checks that the comparison rows of a
// provider's view, read between the bounds its profile gives, are the
// rows and total the unbounded comparisons query gives for the provider,
// for every provider of the fixture and every page length up to past its
// rows, whether the profile counts the rows as they are, more of them
// than there are (the page comes up short and must be read again), none
// with a value (each profile row still stands for one row), or is empty
// (the page read without bounds). A profile that starts after the
// provider's first metric would give a page that is full but wrong; the
// build refuses such a release (TestCheckProviderSpans).
func TestProviderPageMatchesComparisons(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, profile string
	}{
		{"profile as built", ""},
		{"profile counts more rows than there are", "UPDATE provider_profile SET n_values = n_values + 10, n_councils = n_councils + 10"},
		{"profile counts no values", "UPDATE provider_profile SET n_values = 0, n_councils = 0"},
		{"no profile", "DELETE FROM provider_profile"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			var extra []string
			if tt.profile != "" {
				extra = append(extra, tt.profile)
			}
			r := openReleaseFixture(t, extra...)
			providers, err := r.AllProviders(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(providers) == 0 {
				t.Fatal("the fixture holds no providers")
			}
			for _, p := range providers {
				for first := 0; first <= int(p.NRows)+1; first++ {
					want, wantTotal, err := r.comparisons(ctx, ComparisonFilter{Provider: p.ProviderID}, int64(first), 0)
					if err != nil {
						t.Fatal(err)
					}
					if len(want) != min(first, wantTotal) {
						t.Fatalf("comparisons(%s, %d) = %d rows of %d", p.ProviderID, first, len(want), wantTotal)
					}
					got, err := r.Provider(ctx, p.ProviderID, first)
					if err != nil {
						t.Fatal(err)
					}
					if got.ComparisonsTotal != wantTotal {
						t.Errorf("Provider(%s, %d) total = %d, want %d", p.ProviderID, first, got.ComparisonsTotal, wantTotal)
					}
					if !reflect.DeepEqual(got.Comparisons, want) {
						t.Errorf("Provider(%s, %d) rows = %v, want %v", p.ProviderID, first,
							keyNames(rowKeys(got.Comparisons)), keyNames(rowKeys(want)))
					}
				}
			}
		})
	}
}

// TestPageBound checks the (metric, period) by which a profile counts a
// page's rows.
func TestPageBound(t *testing.T) {
	t.Parallel()
	row := func(metric, period, service string, nValues, nCouncils int64) schemas.ProviderProfileRow {
		return schemas.ProviderProfileRow{Metric: metric, Period: period, Service: service, NValues: nValues, NCouncils: nCouncils}
	}
	profile := []schemas.ProviderProfileRow{
		row("a-metric", "2024-25-Q1", "homecare", 3, 3),
		row("b-metric", "2024-25-Q1", "care-home", 2, 2),
		row("b-metric", "2024-25-Q1", "homecare", 0, 0),
		row("b-metric", "2024-25-Q2", "homecare", 4, 3),
		row("c-metric", "2024-25-Q1", "homecare", 1, 1),
	}
	tests := []struct {
		name          string
		from          string
		first         int
		wantMetric    string
		wantPeriod    string
		wantUnbounded bool
	}{
		{name: "within the first row", from: "a-metric", first: 2, wantMetric: "a-metric", wantPeriod: "2024-25-Q1"},
		{name: "exactly the first row", from: "a-metric", first: 3, wantMetric: "a-metric", wantPeriod: "2024-25-Q1"},
		{name: "into the next metric", from: "a-metric", first: 5, wantMetric: "b-metric", wantPeriod: "2024-25-Q1"},
		{name: "a row without values counts one", from: "a-metric", first: 6, wantMetric: "b-metric", wantPeriod: "2024-25-Q1"},
		{name: "rows before the first metric are passed over", from: "b-metric", first: 4, wantMetric: "b-metric", wantPeriod: "2024-25-Q2"},
		{name: "the last row", from: "a-metric", first: 11, wantMetric: "c-metric", wantPeriod: "2024-25-Q1"},
		{name: "more than the profile counts", from: "a-metric", first: 12, wantUnbounded: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			metric, period := pageBound(profile, tt.from, tt.first)
			if tt.wantUnbounded {
				tt.wantMetric, tt.wantPeriod = "", ""
			}
			if metric != tt.wantMetric || period != tt.wantPeriod {
				t.Errorf("pageBound(from %s, first %d) = (%q, %q), want (%q, %q)", tt.from, tt.first, metric, period, tt.wantMetric, tt.wantPeriod)
			}
		})
	}
}

// TestCheckProviderSpans checks the build's check of what Reader.Provider
// takes instead of counting a provider's comparison rows: it passes on the
// fixture as built, and names the provider, with the figures that
// disagree, when its n_rows or its profile's first metric no longer
// matches its comparison rows. Each change is made in a transaction that
// is rolled back, so the cases share one built database and run in turn.
func TestCheckProviderSpans(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := buildFixture(t)
	s, err := db.session(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	if err := s.checkProviderSpans(ctx); err != nil {
		t.Fatalf("as built: %v", err)
	}
	// P1 has comparison rows under hc-missed-visits and hc-visits-on-time,
	// so without its profile rows of the first, its profile starts later.
	var n int
	if err := s.conn.QueryRowContext(ctx, "SELECT count(*) FROM comparisons WHERE provider_id = 'P1'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, edit, want string }{
		{"n_rows one more", "UPDATE providers SET n_rows = n_rows + 1 WHERE provider_id = 'P1'",
			fmt.Sprintf("P1 (comparison rows %d, providers.n_rows %d;", n, n+1)},
		{"no profile of its first metric", "DELETE FROM provider_profile WHERE provider_id = 'P1' AND metric = 'hc-missed-visits'",
			fmt.Sprintf("P1 (comparison rows %d, providers.n_rows %d; first metric hc-missed-visits, in its profile hc-visits-on-time)", n, n)},
		{"not in providers", "DELETE FROM providers WHERE provider_id = 'P1'",
			fmt.Sprintf("P1 (comparison rows %d, providers.n_rows none;", n)},
		{"a comparison row more", "INSERT INTO comparisons SELECT * FROM comparisons WHERE provider_id = 'P1' LIMIT 1",
			fmt.Sprintf("P1 (comparison rows %d, providers.n_rows %d;", n+1, n)},
		{"no comparison rows", "DELETE FROM comparisons WHERE provider_id = 'P1'",
			fmt.Sprintf("P1 (comparison rows none, providers.n_rows %d; first metric none, in its profile hc-missed-visits)", n)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := s.conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
				t.Fatal(err)
			}
			_, err := s.conn.ExecContext(ctx, tt.edit)
			if err == nil {
				err = s.checkProviderSpans(ctx)
			} else {
				t.Errorf("%s: %v", tt.edit, err)
			}
			if _, rerr := s.conn.ExecContext(ctx, "ROLLBACK"); rerr != nil {
				t.Fatal(rerr)
			}
			if err == nil || !strings.Contains(err.Error(), "provider "+tt.want) {
				t.Errorf("check = %v, want an error naming %s", err, tt.want)
			}
		})
	}
	// With every provider wrong, the message names five and counts the rest.
	var providers int
	if err := s.conn.QueryRowContext(ctx, "SELECT count(*) FROM providers").Scan(&providers); err != nil {
		t.Fatal(err)
	}
	if providers <= 5 {
		t.Fatalf("the fixture has %d providers; the case needs more than five", providers)
	}
	if _, err := s.conn.ExecContext(ctx, "BEGIN TRANSACTION; UPDATE providers SET n_rows = n_rows + 1"); err != nil {
		t.Fatal(err)
	}
	err = s.checkProviderSpans(ctx)
	if _, rerr := s.conn.ExecContext(ctx, "ROLLBACK"); rerr != nil {
		t.Fatal(rerr)
	}
	if want := fmt.Sprintf(") and %d more: ", providers-5); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("every provider wrong: check = %v, want %q", err, want)
	}
	if err := s.checkProviderSpans(ctx); err != nil {
		t.Fatalf("after rolling back: %v", err)
	}
}
