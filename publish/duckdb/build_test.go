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
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/yardstick-open/yardstick/schemas"
	"github.com/yardstick-open/yardstick/schemas/config"
)

// row is one table row keyed by column name.
type row map[string]any

func tableRows(t testing.TB, db *DB, table string) []row {
	t.Helper()
	rows, err := db.db.QueryContext(context.Background(), testSQL(t, "table_rows"), sql.Named("table", table))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []row
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		r := row{}
		for i, c := range cols {
			r[c] = vals[i]
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func tableColumns(t testing.TB, db *DB, table string) []string {
	t.Helper()
	rows, err := db.db.QueryContext(context.Background(), testSQL(t, "columns"), sql.Named("table", table))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, c)
	}
	return cols
}

// pick returns the one row whose columns equal key.
func pick(t testing.TB, rows []row, key row) row {
	t.Helper()
	var found []row
	for _, r := range rows {
		match := true
		for k, v := range key {
			if fmt.Sprint(r[k]) != fmt.Sprint(v) {
				match = false
				break
			}
		}
		if match {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d rows match %v, want 1", len(found), key)
	}
	return found[0]
}

// check compares the named columns of r with want: a float64 as published,
// to six significant figures (sixFigures), nil for NULL, anything else by
// its printed form.
func check(t testing.TB, what string, r row, want row) {
	t.Helper()
	for col, w := range want {
		g, ok := r[col]
		if !ok {
			t.Errorf("%s: no column %s", what, col)
			continue
		}
		switch w := w.(type) {
		case nil:
			if g != nil {
				t.Errorf("%s: %s = %v, want NULL", what, col, g)
			}
		case float64:
			gf, ok := asFloat(g)
			if !ok || !sixFigures(gf, w) {
				t.Errorf("%s: %s = %v, want %.9g", what, col, g, w)
			}
		default:
			if fmt.Sprint(g) != fmt.Sprint(w) {
				t.Errorf("%s: %s = %v, want %v", what, col, g, w)
			}
		}
	}
}

// sixFigures reports whether got is want, worked out by hand to more
// figures, as a release publishes a computed figure: to six significant
// figures, so within half a unit of the sixth.
func sixFigures(got, want float64) bool {
	if want == 0 {
		return got == 0
	}
	half := 0.5 * math.Pow(10, math.Floor(math.Log10(math.Abs(want)))-5)
	return math.Abs(got-want) <= half*(1+1e-9)
}

func asFloat(v any) (float64, bool) {
	switch v := v.(type) {
	case float64:
		return v, true
	case float32:
		return float64(v), true
	case int64:
		return float64(v), true
	case int32:
		return float64(v), true
	}
	return 0, false
}

// buildFixture builds the comparison fixture worked by hand in the tests
// below. Councils: A and B (North West, unitary), C (Yorkshire, unitary), D
// (Yorkshire, metropolitan district). With two neighbours, A's similar
// councils are D and C, B's A and D, C's A and D, D's A and C (see
// TestNearestNeighbours).
func buildFixture(t testing.TB) *DB {
	t.Helper()
	return buildFixtureWith(t, func(*BuildInput) {})
}

// fixtureInput writes the fixture's data folder and returns the input
// that builds it.
func fixtureInput(t testing.TB) BuildInput {
	t.Helper()
	const (
		q1   = "2024-25-Q1"
		hc   = "homecare"
		onT  = "hc-visits-on-time"
		miss = "hc-missed-visits"
	)
	p := func(council, provider string, num, den int64) obs {
		return obs{Council: council, Provider: provider, Name: "Provider " + provider, Service: hc, Metric: onT, Period: q1, Num: i64(num), Den: i64(den)}
	}
	root := writeDataDir(t,
		sub{ID: "sa", Council: cA, Received: day("2024-07-10"), Rows: []obs{
			p(cA, "P1", 80, 100),
			p(cA, "P2", 150, 200),
			{Provider: "P1", Name: "Acme Care", Sector: "private", Service: hc, Metric: onT, Period: "2023-24-Q4", Num: i64(70), Den: i64(100)},
			{Provider: "P1", Name: "Acme Care", Sector: "private", Service: hc, Metric: onT, Period: "2023-24-Q1", Num: i64(85), Den: i64(100)},
			{Provider: "", Service: hc, Metric: onT, Period: q1, Num: i64(230), Den: i64(300)},
			{Provider: "P1", Name: "Acme Care", Sector: "private", Service: hc, Metric: miss, Period: q1, Num: i64(65), Den: i64(10000)},
			{Provider: "P1", Name: "Acme Care", Sector: "private", Service: hc, Metric: "price-per-hour", Period: q1, Value: f64(20)},
			{Service: "adult-social-care", Metric: "asc-carer-qol", Period: "2024-25", Value: f64(7.5)},
			{Provider: "P1", Service: hc, Metric: "test-count", Period: q1, Value: f64(65)},
			{Provider: "P2", Service: hc, Metric: "test-count", Period: q1, Value: f64(2.5)},
		}},
		sub{ID: "sb", Council: cB, Received: day("2024-07-11"), Rows: []obs{
			{Provider: "P1", Name: "ACME Care Ltd", Service: hc, Metric: onT, Period: q1, Num: i64(45), Den: i64(50)},
			{Provider: "P6", Name: "Provider P6", Service: hc, Metric: onT, Period: q1, Value: f64(70)},
			{Provider: "P1", Name: "ACME Care Ltd", Service: hc, Metric: miss, Period: q1, Num: i64(10), Den: i64(5000)},
			{Provider: "P1", Name: "ACME Care Ltd", Service: hc, Metric: "price-per-hour", Period: q1, Value: f64(24)},
			{Service: "adult-social-care", Metric: "asc-carer-qol", Period: "2024-25", Value: f64(8)},
		}},
		sub{ID: "sc", Council: cC, Received: day("2024-07-12"), Rows: []obs{
			p(cC, "P3", 600, 1000),
			{Provider: "P3", Service: hc, Metric: "price-per-hour", Period: q1, Value: f64(22)},
		}},
		sub{ID: "sd", Council: cD, Received: day("2024-07-13"), Rows: []obs{
			p(cD, "P4", 270, 300),
			{Provider: "P5", Service: hc, Metric: onT, Period: q1, Status: "c"},
		}},
	)
	cat, err := fixtureCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	return BuildInput{DataDir: root, Catalogue: cat, Councils: fixtureCouncils(t), Neighbours: 2}
}

// buildFixtureWith builds the fixture after edit has changed the input.
func buildFixtureWith(t testing.TB, edit func(*BuildInput)) *DB {
	t.Helper()
	in := fixtureInput(t)
	edit(&in)
	db := openTest(t)
	if err := db.Build(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	return db
}

// fixtureCatalogue is the built-in catalogue plus a count metric, a kind
// the built-in catalogue does not use.
func fixtureCatalogue() (*schemas.Catalogue, error) {
	base, err := config.Builtin()
	if err != nil {
		return nil, err
	}
	return base.Merge(&schemas.Catalogue{Metrics: []schemas.Metric{{
		ID: "test-count", Title: "Test count", Services: []string{"homecare"}, Kind: schemas.KindCount,
		Unit: schemas.UnitNumber, Multiplier: 1, Polarity: schemas.LowerIsBetter,
	}}})
}

func TestComparisonColumns(t *testing.T) {
	t.Parallel()
	db := buildFixture(t)
	want := strings.Fields(`metric period council_code provider_id provider_name service value numerator
		denominator status ci95_lower ci95_upper ci998_lower ci998_upper national_value national_median
		national_q1 national_q3 national_n percentile_rank quintile z_score robust_z band_national band_national_95
		band_national_adjusted region_value band_region council_type_value band_council_type similar_value similar_rank
		similar_n band_similar change_prev change_prev_band change_year change_year_band trend trend_direction`)
	if got := tableColumns(t, db, "comparisons"); !reflect.DeepEqual(got, want) {
		t.Errorf("comparisons columns:\n got %v\nwant %v", got, want)
	}
}

// TestComparisonsProportion checks hc-visits-on-time for 2024-25-Q1 at
// provider level against values worked by hand.
//
// Rows with counts: A/P1 80/100, A/P2 150/200, B/P1 45/50, C/P3 600/1000,
// D/P4 270/300; B/P6 gives only a value (70); D/P5 is suppressed [c].
//
//	target t = (80+150+45+600+270) / (100+200+50+1000+300) = 1145/1650
//	         = 0.693939394 -> national_value 69.3939394
//	values sorted: 60 70 75 80 90 90 (n = 6)
//	median: position 5 x 0.5 = 2.5 -> 75 + 0.5 (80-75) = 77.5
//	q1: 1.25 -> 70 + 0.25 (75-70) = 71.25; q3: 3.75 -> 80 + 0.75 (90-80) = 87.5
//	p10: 0.5 -> 65; p90: 4.5 -> 90
//	percentile rank (higher is better, (r-1)/(n-1) x 100 for the mid-rank
//	  r): 60 -> 0, 70 -> 20, 75 -> 40, 80 -> 60, 90 and 90 (tied, places 5
//	  and 6, mid-rank 5.5) -> 90
//	z = (x/n - t) / sqrt(t(1-t)/n), t(1-t) = 0.212387511:
//	  A/P1 (0.8 - t)/0.046085520 = 2.301386792
//	  A/P2 (0.75 - t)/0.032587383 = 1.720316276
//	  B/P1 (0.9 - t)/0.065174767 = 3.161662345
//	  C/P3 (0.6 - t)/0.014573521 = -6.445895578
//	  D/P4 (0.9 - t)/0.026607487 = 7.744459483
//	bands: the Wilson interval at level z holds exactly the targets t0
//	  with |x/n - t0| <= z sqrt(t0(1-t0)/n) (it inverts the score test), so
//	  a proportion's interval lies wholly above or below a pooled value
//	  exactly when |z| against it exceeds z: at 99.8% (3.090232) B/P1 and
//	  D/P4 better, C/P3 worse; at 95% (1.959964) A/P1 better too (its
//	  interval, 71.117 to 86.663 below, is above 69.394), A/P2 similar
//	over-dispersion: z10 = quantile_cont(z, 0.1) = -6.445896 + 0.4 (1.720316 + 6.445896)
//	  = -3.179410837; z90 = 3.161662 + 0.6 (7.744459 - 3.161662) = 5.911340628
//	  winsorised z: 2.301387, 1.720316, 3.161662, -3.179411, 5.911341
//	  phi = mean z_w^2 = 12.660915864; 5 phi = 63.3 > 4, so
//	  w = 1/se^2: 470.838, 941.676, 235.419, 4708.382, 1412.515
//	  sum w = 7768.818367, sum w^2 = 25327845.948
//	  tau2 = (5 phi - 4) / (sum w - sum w^2 / sum w) = 0.013153583
//	  adjusted z = (x/n - t) / sqrt(se^2 + tau2): 0.858, 0.470, 1.562,
//	  -0.813, 1.750 -> all similar
//	  adjusted band: similar wherever band_national is, and similar anyway
//	region (pooled): North West (A, B) 275/350 = 0.785714; Yorkshire (C, D)
//	  870/1300 = 0.669231; z: A/P1 0.348, A/P2 -1.231, B/P1 1.969,
//	  C/P3 -4.653 worse, D/P4 8.495 better
//	council type: unitary (A, B, C) 875/1350 = 0.648148, z: A/P1 3.180
//	  better, A/P2 3.016 similar, B/P1 3.729 better, C/P3 -3.188 worse;
//	  metropolitan district (D) 270/300, D/P4 z = 0 similar
//	similar councils (pooled, without the council itself): A <- D, C
//	  870/1300 (z 2.779, 2.428); B <- A, D 500/600 (1.265); C <- A, D
//	  500/600 (-19.799 worse); D <- A, C 830/1300 (9.429 better)
//	Wilson for A/P1 (80/100) x 100: 95% 71.117083364 to 86.663306710;
//	  99.8% 65.288907448 to 89.480837261
func TestComparisonsProportion(t *testing.T) {
	t.Parallel()
	db := buildFixture(t)
	rows := tableRows(t, db, "comparisons")
	key := func(council, provider string) row {
		return row{"metric": "hc-visits-on-time", "period": "2024-25-Q1", "council_code": council, "provider_id": provider}
	}
	national := row{"national_value": 69.39393939, "national_median": 77.5, "national_q1": 71.25, "national_q3": 87.5, "national_n": 6}
	tests := []struct {
		Name     string
		Council  string
		Provider string
		Want     row
	}{
		{"A/P1", cA, "P1", row{"value": 80.0, "numerator": 80, "denominator": 100, "status": "",
			"ci95_lower": 71.117083364, "ci95_upper": 86.663306710, "ci998_lower": 65.288907448, "ci998_upper": 89.480837261,
			"percentile_rank": 60.0, "z_score": 2.301386792,
			"band_national": "similar", "band_national_95": "better", "band_national_adjusted": "similar", "band_region": "similar",
			"band_council_type": "better", "band_similar": "similar",
			"change_prev": 10.0, "change_year": -5.0}},
		{"A/P2", cA, "P2", row{"value": 75.0, "percentile_rank": 40.0, "z_score": 1.720316276,
			"band_national": "similar", "band_national_95": "similar", "band_national_adjusted": "similar", "band_region": "similar",
			"band_council_type": "similar", "band_similar": "similar", "change_prev": nil, "change_year": nil}},
		{"B/P1", cB, "P1", row{"value": 90.0, "percentile_rank": 90.0, "z_score": 3.161662345,
			"band_national": "better", "band_national_95": "better", "band_national_adjusted": "similar", "band_region": "similar",
			"band_council_type": "better", "band_similar": "similar"}},
		{"C/P3", cC, "P3", row{"value": 60.0, "percentile_rank": 0.0, "z_score": -6.445895578,
			"band_national": "worse", "band_national_95": "worse", "band_national_adjusted": "similar", "band_region": "worse",
			"band_council_type": "worse", "band_similar": "worse"}},
		{"D/P4", cD, "P4", row{"value": 90.0, "percentile_rank": 90.0, "z_score": 7.744459483,
			"band_national": "better", "band_national_95": "better", "band_national_adjusted": "similar", "band_region": "better",
			"band_council_type": "similar", "band_similar": "better"}},
		{"B/P6 value without counts", cB, "P6", row{"value": 70.0, "numerator": nil, "percentile_rank": 20.0,
			"ci95_lower": nil, "ci998_upper": nil, "z_score": nil,
			"band_national": "not_compared", "band_national_95": "not_compared", "band_national_adjusted": "not_compared", "band_region": "not_compared",
			"band_council_type": "not_compared", "band_similar": "not_compared"}},
		{"D/P5 suppressed", cD, "P5", row{"value": nil, "status": "c", "percentile_rank": nil, "ci95_lower": nil,
			"z_score": nil, "band_national": "not_compared", "band_national_95": "not_compared", "band_national_adjusted": "not_compared"}},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			r := pick(t, rows, key(tt.Council, tt.Provider))
			check(t, tt.Name, r, national)
			check(t, tt.Name, r, tt.Want)
		})
	}
	b := pick(t, tableRows(t, db, "benchmarks"), row{"metric": "hc-visits-on-time", "period": "2024-25-Q1", "service": "homecare", "level": "provider"})
	check(t, "benchmark", b, row{"national_value": 69.39393939, "national_n": 6, "n_councils": 4, "n_providers": 5, "n_pooled": 5,
		"sum_numerator": 1145, "sum_denominator": 1650, "median": 77.5, "q1": 71.25, "q3": 87.5, "p10": 65.0, "p90": 90.0,
		"n_z": 5, "phi": 12.660915864, "tau2": 0.013153583})

	// The council-wide figure is benchmarked on its own, not pooled with
	// the providers; a lone row, fewer than schemas.MinGroupRows, has no
	// median, percentile rank or band, though its z-score is 0.
	cw := pick(t, rows, key(cA, ""))
	check(t, "council-wide", cw, row{"national_value": 230.0 / 300 * 100, "national_n": 1, "national_median": nil,
		"percentile_rank": nil, "z_score": 0.0, "band_national": "not_compared", "band_national_95": "not_compared",
		"band_national_adjusted": "not_compared", "band_region": "not_compared"})
}

// TestComparisonsRate checks hc-missed-visits (per 1,000, lower is better):
// A/P1 65/10000 (6.5), B/P1 10/5000 (2.0).
//
//	target = 75/15000 = 0.005 -> national_value 5
//	Byar 95% for 65 (PHE's test data, see TestByarPHE) 50.163188 to
//	  82.849139, / 10000 x 1000 -> 5.0163188 to 8.2849139
//	z: A (0.0065 - 0.005)/sqrt(0.005/10000) = 0.0015/0.000707107 = 2.121320
//	   B (0.002 - 0.005)/sqrt(0.005/5000) = -0.003/0.001 = -3
//	two rows, fewer than schemas.MinGroupRows: no percentile rank, no band
//	z10 = -3 + 0.1 x 5.121320 = -2.487868, z90 = -3 + 0.9 x 5.121320 = 1.609188
//	phi = (1.609188^2 + 2.487868^2)/2 = 4.389487; 2 phi > 1
//	w = 2e6, 1e6; sum w = 3e6; sum w^2 / sum w = 5e12/3e6 = 1666666.667
//	tau2 = (2 x 4.389487 - 1) / 1333333.333 = 5.834231e-6
func TestComparisonsRate(t *testing.T) {
	t.Parallel()
	db := buildFixture(t)
	rows := tableRows(t, db, "comparisons")
	a := pick(t, rows, row{"metric": "hc-missed-visits", "council_code": cA})
	check(t, "A", a, row{"value": 6.5, "national_value": 5.0, "ci95_lower": 5.016318771, "ci95_upper": 8.284913855,
		"z_score": 2.121320344, "percentile_rank": nil, "band_national": "not_compared", "band_national_adjusted": "not_compared"})
	b := pick(t, rows, row{"metric": "hc-missed-visits", "council_code": cB})
	check(t, "B", b, row{"value": 2.0, "z_score": -3.0, "percentile_rank": nil, "band_national": "not_compared"})
	bm := pick(t, tableRows(t, db, "benchmarks"), row{"metric": "hc-missed-visits"})
	check(t, "benchmark", bm, row{"phi": 4.389487, "n_z": 2})
	if tau2, _ := asFloat(bm["tau2"]); math.Abs(tau2-5.834231e-6) > 1e-11 {
		t.Errorf("tau2 = %v, want 5.834231e-6", tau2)
	}
}

// TestComparisonsMeanAndScore: means, scores and counts have no
// denominator, so every band is not_compared; the national value is the
// mean of the values (test-count: (65 + 2.5)/2 = 33.75).
// price-per-hour (no polarity): 20, 24, 22 -> mean 22; asc-carer-qol
// (council-wide, higher is better): 7.5, 8 -> 7.75. Every group here has
// fewer rows than schemas.MinGroupRows, so none has a median or ranks
// (TestPercentileRankTies ranks a larger group).
func TestComparisonsMeanAndScore(t *testing.T) {
	t.Parallel()
	db := buildFixture(t)
	rows := tableRows(t, db, "comparisons")
	for _, tt := range []struct {
		Council string
		Want    row
	}{
		{cA, row{"value": 20.0, "percentile_rank": nil}},
		{cC, row{"value": 22.0, "percentile_rank": nil}},
		{cB, row{"value": 24.0, "percentile_rank": nil}},
	} {
		r := pick(t, rows, row{"metric": "price-per-hour", "council_code": tt.Council})
		check(t, "price "+tt.Council, r, tt.Want)
		check(t, "price "+tt.Council, r, row{"national_value": 22.0, "national_median": nil, "national_n": 3,
			"ci95_lower": nil, "z_score": nil, "band_national": "not_compared", "band_national_adjusted": "not_compared",
			"band_region": "not_compared", "band_council_type": "not_compared", "band_similar": "not_compared"})
	}
	a := pick(t, rows, row{"metric": "asc-carer-qol", "council_code": cA})
	check(t, "qol A", a, row{"provider_id": "", "value": 7.5, "national_value": 7.75, "percentile_rank": nil, "band_national": "not_compared"})
	b := pick(t, rows, row{"metric": "asc-carer-qol", "council_code": cB})
	check(t, "qol B", b, row{"value": 8.0, "percentile_rank": nil})

	// A count has Byar's interval on the count itself (65: PHE's
	// 50.163187710 to 82.849138546, as in TestComparisonsRate) but no
	// denominator, so no band; a count that is not a whole number has no
	// interval.
	c := pick(t, rows, row{"metric": "test-count", "provider_id": "P1"})
	check(t, "count 65", c, row{"ci95_lower": 50.163187710, "ci95_upper": 82.849138546, "national_value": 33.75,
		"percentile_rank": nil, "z_score": nil, "band_national": "not_compared", "band_national_95": "not_compared"})
	c = pick(t, rows, row{"metric": "test-count", "provider_id": "P2"})
	check(t, "count 2.5", c, row{"ci95_lower": nil, "ci95_upper": nil, "percentile_rank": nil})
}

// TestFunnelLimits checks the first and last points of the
// hc-visits-on-time funnel (denominators 50 to 1000) against
// t +/- z sqrt(t(1-t)/n) with t = 1145/1650, worked by hand:
//
//	n = 50:   se = 0.065174767; 95% 56.619920 to 82.167959;
//	          99.8% 49.253424 to 89.534454; adjusted (tau2 0.013153583)
//	          28.629418 to 110.158 -> held at 100
//	n = 1000: se = 0.014573521; 95% 66.537582 to 72.250297;
//	          99.8% 64.890383 to 73.897495; adjusted 33.667369 to 100
func TestFunnelLimits(t *testing.T) {
	t.Parallel()
	db := buildFixture(t)
	var group []row
	for _, r := range tableRows(t, db, "funnel_limits") {
		if r["metric"] == "hc-visits-on-time" && r["period"] == "2024-25-Q1" && r["level"] == "provider" {
			group = append(group, r)
		}
	}
	if len(group) != 100 {
		t.Fatalf("%d funnel points, want 100", len(group))
	}
	check(t, "n=50", group[0], row{"denominator": 50.0, "target": 69.39393939, "lower95": 56.619919727, "upper95": 82.167959061,
		"lower998": 49.253424393, "upper998": 89.534454395, "lower998_adjusted": 28.629418271, "upper998_adjusted": 100.0})
	check(t, "n=1000", group[99], row{"denominator": 1000.0, "lower95": 66.537581762, "upper95": 72.250297026,
		"lower998": 64.890383330, "upper998": 73.897495458, "lower998_adjusted": 33.667368678, "upper998_adjusted": 100.0})
}

// TestProviderProfile checks P1 pooled across A and B for
// hc-visits-on-time 2024-25-Q1: 80/100 and 45/50.
//
//	pooled 125/150 = 83.333333; Wilson 95% 76.553414 to 88.448570
//	z against t = 1145/1650 at n = 150: (0.833333 - 0.693939)/0.037628...
//	  = 3.704461 -> better; adjusted (tau2 0.013153583) similar
//	councils' values 80 and 90: min 80, q1 82.5, median 85, q3 87.5,
//	  max 90, sd sqrt(50) = 7.071068
//	name: "Acme Care" is on 4 of P1's rows, "ACME Care Ltd" on 3,
//	  "Provider P1" on 1; sector "private" is the only one given
func TestProviderProfile(t *testing.T) {
	t.Parallel()
	db := buildFixture(t)
	r := pick(t, tableRows(t, db, "provider_profile"), row{"provider_id": "P1", "metric": "hc-visits-on-time", "period": "2024-25-Q1"})
	check(t, "P1", r, row{"provider_name": "Acme Care", "provider_sector": "private", "n_councils": 2,
		"numerator": 125, "denominator": 150, "value": 83.333333333, "ci95_lower": 76.553413524, "ci95_upper": 88.448570160,
		"national_value": 69.39393939, "z_score": 3.704461053, "band_national": "better", "band_national_adjusted": "similar",
		"councils_min": 80.0, "councils_q1": 82.5, "councils_median": 85.0, "councils_q3": 87.5, "councils_max": 90.0,
		"councils_sd": 7.071067812})
	p := pick(t, tableRows(t, db, "providers"), row{"provider_id": "P1"})
	check(t, "providers P1", p, row{"provider_name": "Acme Care", "sector": "private", "n_councils": 2,
		"councils": []any{cA, cB}, "services": []any{"homecare"}})
}

func TestBuildRejectsUnknownMetric(t *testing.T) {
	t.Parallel()
	root := writeDataDir(t, sub{ID: "x", Council: cA, Received: day("2024-07-01"), Rows: []obs{
		{Provider: "P1", Service: "homecare", Metric: "no-such-metric", Period: "2024-25-Q1", Value: f64(1)}}})
	cat, err := config.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	err = openTest(t).Build(context.Background(), BuildInput{DataDir: root, Catalogue: cat, Councils: fixtureCouncils(t)})
	if err == nil || !strings.Contains(err.Error(), "no-such-metric") || !errorsIs(err, schemas.ErrUnknownMetric) {
		t.Errorf("Build = %v, want ErrUnknownMetric naming no-such-metric", err)
	}
}

func errorsIs(err, target error) bool { return errors.Is(err, target) }

// TestComparisonsWithPeerGroups: with peer-groups.csv grouping A and B, A's
// similar councils are B alone, whose hc-visits-on-time is 45/50 = 0.9:
//
//	A/P1: (0.8 - 0.9) / sqrt(0.9 x 0.1 / 100) = -0.1 / 0.03 = -3.333 -> worse
//	A/P2: (0.75 - 0.9) / sqrt(0.09 / 200) = -0.15 / 0.021213 = -7.071 -> worse
//	B/P1 against A (230/300 is council-wide, so not pooled): 230/300 ->
//	  (80 + 150)/(100 + 200) = 0.766667; (0.9 - 0.766667)/sqrt(0.766667 x
//	  0.233333 / 50) = 0.133333/0.059815 = 2.229 -> similar
//	C and D are in no group: not_compared
func TestComparisonsWithPeerGroups(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "peer-groups.csv")
	if err := os.WriteFile(path, []byte("group_id,council_code\ng1,"+cA+"\ng1,"+cB+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	db := buildFixtureWith(t, func(in *BuildInput) { in.PeerGroupsFile = path })
	rows := tableRows(t, db, "comparisons")
	key := func(council, provider string) row {
		return row{"metric": "hc-visits-on-time", "period": "2024-25-Q1", "council_code": council, "provider_id": provider}
	}
	check(t, "A/P1", pick(t, rows, key(cA, "P1")), row{"band_similar": "worse"})
	check(t, "A/P2", pick(t, rows, key(cA, "P2")), row{"band_similar": "worse"})
	check(t, "B/P1", pick(t, rows, key(cB, "P1")), row{"band_similar": "similar"})
	check(t, "C/P3", pick(t, rows, key(cC, "P3")), row{"band_similar": "not_compared"})
	check(t, "D/P4", pick(t, rows, key(cD, "P4")), row{"band_similar": "not_compared"})
	sim := tableRows(t, db, "similar_councils")
	if len(sim) != 4 || sim[0]["method"] != PeerGroupsMethod {
		t.Errorf("similar_councils = %v, want A<->B for social_care and waste_collection from %s", sim, PeerGroupsMethod)
	}
}

// TestReleaseHoldsNoSubmitter checks that who sent a return, which names a
// person or a token, stays in the private manifest and never reaches the
// tables a release publishes.
func TestReleaseHoldsNoSubmitter(t *testing.T) {
	t.Parallel()
	db := buildFixture(t)
	for _, table := range Tables {
		for _, col := range tableColumns(t, db, table) {
			if c := strings.ToLower(col); strings.Contains(c, "submitter") || strings.Contains(c, "sha") || strings.Contains(c, "hash") {
				t.Errorf("table %s publishes column %s", table, col)
			}
		}
	}
}

// TestChangeReadsAsTheFigures checks that a change between figures written
// to one decimal reads to one decimal: 89.7 after 90.6 is -0.9, not the
// -0.8999999999999915 that subtracting them in binary floating point gives.
func TestChangeReadsAsTheFigures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	price := func(period string, v float64) obs {
		return obs{Provider: "P1", Name: "Acme Care", Sector: "private", Service: "homecare",
			Metric: "price-per-hour", Period: period, Value: f64(v)}
	}
	root := writeDataDir(t, sub{ID: "s1", Council: cA, Received: day("2024-07-10"), Rows: []obs{
		price("2024-25-Q1", 89.7), price("2023-24-Q4", 90.6), price("2023-24-Q1", 88.3),
	}})
	cat, err := fixtureCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	db, err := Open(ctx, "", Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Build(ctx, BuildInput{DataDir: root, Catalogue: cat, Councils: fixtureCouncils(t), Neighbours: 2}); err != nil {
		t.Fatal(err)
	}
	r := pick(t, tableRows(t, db, "comparisons"), row{"metric": "price-per-hour", "period": "2024-25-Q1", "council_code": cA, "provider_id": "P1"})
	for col, want := range map[string]float64{"change_prev": -0.9, "change_year": 1.4} {
		if got, ok := asFloat(r[col]); !ok || got != want {
			t.Errorf("%s = %v, want exactly %v", col, r[col], want)
		}
	}
}

// TestBuildLogsSteps checks that Build reports each step as it finishes,
// with what it made: the fixture's 19 rows come from 8 warehouse files
// (sa's four periods, sb's two, sc's and sd's one each), and every row is
// compared. The disclosure-control lines are the ones the publish
// benchmark adds up, so each must be there, in the order they run.
func TestBuildLogsSteps(t *testing.T) {
	t.Parallel()
	var lines []string
	buildFixtureWith(t, func(in *BuildInput) {
		in.Logf = func(format string, args ...any) { lines = append(lines, fmt.Sprintf(format, args...)) }
	})
	took := regexp.MustCompile(` in [0-9]+\.[0-9]s$`)
	var steps, disclosure []string
	for _, l := range lines {
		if !took.MatchString(l) {
			t.Errorf("log line %q does not end with its time, as \" in 1.2s\"", l)
		}
		step := took.ReplaceAllString(l, "")
		steps = append(steps, step)
		if strings.HasPrefix(step, "disclosure control: ") {
			disclosure = append(disclosure, step)
		}
	}
	for _, want := range []string{
		"loaded observations: 19 rows from 8 files",
		"prepared rows to compare: 19 rows",
		"built comparisons: 19 rows",
	} {
		if !slices.Contains(steps, want) {
			t.Errorf("log lacks %q; it has:\n%s", want, strings.Join(lines, "\n"))
		}
	}
	wantDisclosure := []string{
		"disclosure control: read what earlier releases published",
		"disclosure control: suppression",
		"disclosure control: recorded the history",
		"disclosure control: checked the tables",
		"disclosure control: audited the intervals",
		"disclosure control: dropped its working tables",
	}
	if !slices.Equal(disclosure, wantDisclosure) {
		t.Errorf("disclosure control steps:\n got %q\nwant %q", disclosure, wantDisclosure)
	}
}

// TestBuildUnderSmallMemoryLimit builds the fixture with DuckDB allowed
// 128MB on one thread and checks the comparisons are those of a build
// without a limit. The limit is small for DuckDB, not for the fixture:
// the comparisons statement's operators claim blocks of their own,
// however few rows they see, and at 64MB it runs out of memory on the
// fixture's 19 rows; so a memory limit can be lowered only so far, and
// this fails if that floor rises past 128MB. (Nothing spills here: a
// fixture large enough to spill deterministically would be slow.)
func TestBuildUnderSmallMemoryLimit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	want := tableRows(t, buildFixture(t), "comparisons")
	db, err := Open(ctx, "", Options{Threads: 1, MemoryLimit: "128MB", TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Build(ctx, fixtureInput(t)); err != nil {
		t.Fatal(err)
	}
	if got := tableRows(t, db, "comparisons"); !reflect.DeepEqual(got, want) {
		t.Errorf("comparisons under a 128MB limit differ from those without one:\n got %v\nwant %v", got, want)
	}
}

// TestBuildCompact checks that BuildInput.Compact leaves the build's
// tables compressed, as checkpointing an in-memory database does, and
// every table as a build without it makes them.
func TestBuildCompact(t *testing.T) {
	t.Parallel()
	plain := buildFixture(t)
	compact := buildFixtureWith(t, func(in *BuildInput) { in.Compact = true })
	for _, tb := range schemas.PublicTables {
		if got, want := tableRows(t, compact, tb.Name), tableRows(t, plain, tb.Name); !reflect.DeepEqual(got, want) {
			t.Errorf("%s differs with Compact:\n got %v\nwant %v", tb.Name, got, want)
		}
	}
	// How DuckDB stores each column segment of observations; in memory
	// and never checkpointed, every one is Uncompressed.
	methods := func(db *DB) map[string]bool {
		out := map[string]bool{}
		for _, r := range queryText(t, db.db, "SELECT DISTINCT compression FROM pragma_storage_info('observations') WHERE segment_type <> 'VALIDITY'") {
			out[r[0]] = true
		}
		return out
	}
	if got := methods(plain); len(got) != 1 || !got["Uncompressed"] {
		t.Errorf("without Compact, observations is stored as %v, want Uncompressed only", got)
	}
	if got := methods(compact); got["Uncompressed"] && len(got) == 1 {
		t.Errorf("with Compact, observations is stored as %v, want compressed", got)
	}
}
