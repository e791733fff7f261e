package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/yardstick-open/yardstick/schemas"
)

// PHEindicatormethods' funnel functions and Yardstick's figures:
//
//   - assign_funnel_significance(statistic = "proportion") calls a row High
//     (0.001) when its proportion is above the 99.8% funnel limit around
//     the pooled average at its denominator, High (0.025) when above the
//     95% limit only, Low likewise, else Not significant. Its limits
//     (sigma_adjustment) are the proportions whose Wilson interval ends at
//     the average, so a row is above the limit exactly when its own Wilson
//     interval lies wholly above the average: Yardstick's band_national
//     (99.8%) and band_national_95 (95%), whose national value is the same
//     pooled average.
//   - assign_funnel_significance(statistic = "rate", rate_type = "crude")
//     compares the pooled rate with the row's count's limits, exact Poisson
//     below 10 events and Byar's from 10, over its denominator: again the
//     row's interval against the national value, as band_national does.
//   - calculate_funnel_limits(statistic = "proportion") draws, around the
//     pooled average t, the limits t +/- z sqrt(t(1-t)/n), held within 0
//     and 100%, which are Yardstick's funnel_limits for a proportion
//     (Spiegelhalter's normal approximation: for a proportion the score
//     test that Wilson's interval inverts).
//   - calculate_funnel_limits(statistic = "rate") draws, for each whole
//     number of events k, the population n at which k's exact Poisson
//     limit equals the expected count t n (poisson_funnel), and the limit
//     k / n; Yardstick's funnel_limits for a rate invert the count limits
//     in the same way at each denominator it draws, so at PHE's
//     populations they are PHE's limits below 10 events.
//
// Where Yardstick differs:
//
//   - it decides a band on the interval and national value as published,
//     to six significant figures, where PHE compares full precision; on
//     PHE's data no row is close enough for that to matter;
//   - its numerators are whole numbers, and the pooled numerator is summed
//     as one (benchmarks.sum_numerator), where PHE's test proportions have
//     numerators with decimals; the national value moves by at most 0.5 /
//     sum(n), 4e-8 here, and no band changes;
//   - PHE's test of crude rates derives each denominator as multiplier x
//     count / rate from the rate given to ten figures (the given population
//     when the count is 0); Yardstick uses the denominator, the population
//     itself;
//   - from 10 events a rate's funnel limits invert Byar's limits, the
//     ones its interval and bands use (and PHE's own
//     assign_funnel_significance), where calculate_funnel_limits inverts
//     the exact ones at every count; so a row is outside its funnel
//     exactly when its band says better or worse, and the limits lie at
//     most 0.85% outside PHE's (at 10 events, 99.8%), 4e-5 from 286
//     events; between whole counts below 10 Yardstick's limits join the
//     counts' points linearly in the expected count;
//   - ratios (PHE's indirectly standardised ratios and observed / expected
//     counts) have no funnel in Yardstick, and directly standardised rates
//     no place: Yardstick's ratios are amounts over amounts, with no
//     sampling model.

// pheSignificance maps PHE's funnel significance to the two bands it
// implies, band_national (99.8%) and band_national_95 (95%), for a metric
// of polarity none, whose bands read higher and lower.
var pheSignificance = map[string][2]string{
	"High (0.001)":    {"higher", "higher"},
	"High (0.025)":    {"similar", "higher"},
	"Low (0.001)":     {"lower", "lower"},
	"Low (0.025)":     {"similar", "lower"},
	"Not significant": {"similar", "similar"},
}

// readPHE reads a testdata CSV copied from PHEindicatormethods: comment
// lines start with #, then a header; it returns the rows by column name.
func readPHE(t *testing.T, name string) []map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var out []map[string]string
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = rec[i]
		}
		out = append(out, m)
	}
	return out
}

func mustFloat(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// phePeriod is a row group of the PHE fixtures: its period and its rows'
// numerators, denominators and expected significance.
type phePeriod struct {
	Period string
	Num    []float64
	Den    []int64
	Want   []string
}

// compared loads each period's rows as council-wide rows of metric (one
// council per row, PHE000 on) and runs Yardstick's comparison queries on
// them, from comparison_rows to comparisons and funnel_limits, as Build
// does. It returns the session holding the tables.
func compared(t *testing.T, m schemas.Metric, periods []phePeriod) *session {
	t.Helper()
	ctx := context.Background()
	s := macroSession(t)
	m.Services = []string{"phe"}
	cat := &schemas.Catalogue{Services: []schemas.Service{{ID: "phe", Title: "PHE test data"}}, Metrics: []schemas.Metric{m}}
	if err := s.loadMetrics(ctx, cat); err != nil {
		t.Fatal(err)
	}
	if err := s.loadCouncils(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.loadSimilarCouncils(ctx, cat, "", 0); err != nil {
		t.Fatal(err)
	}
	if err := s.exec(ctx, "create_observations"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.conn.ExecContext(ctx, testSQL(t, "phe_numerator_double")); err != nil {
		t.Fatal(err)
	}
	var rows [][]driver.Value
	for _, p := range periods {
		for i := range p.Num {
			rows = append(rows, []driver.Value{fmt.Sprintf("PHE%03d", i), "", nil, nil, "phe", m.ID, p.Period,
				p.Num[i], p.Den[i], nil, nil, nil, nil, "", "phe", int64(i + 1), nil})
		}
	}
	if err := s.appendRows(ctx, "observations", rows); err != nil {
		t.Fatal(err)
	}
	if err := s.loadPeriodLinks(ctx); err != nil {
		t.Fatal(err)
	}
	minRows := sql.Named("min_rows", schemas.MinGroupRows)
	z := []any{sql.Named("z95", Z95), sql.Named("z998", Z998), minRows}
	if err := s.exec(ctx, "comparison_rows"); err != nil {
		t.Fatal(err)
	}
	if err := s.exec(ctx, "benchmarks", minRows); err != nil {
		t.Fatal(err)
	}
	batches, err := s.metricBatches(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.compare(ctx, batches, "comparisons", z, minRows); err != nil {
		t.Fatal(err)
	}
	if err := s.exec(ctx, "funnel_limits", z[:2]...); err != nil {
		t.Fatal(err)
	}
	return s
}

// bandsOf runs the comparison queries on each period's rows (compared)
// and returns each period's rows' band_national and band_national_95, in
// row order.
func bandsOf(t *testing.T, m schemas.Metric, periods []phePeriod) map[string][][2]string {
	t.Helper()
	s := compared(t, m, periods)
	out := map[string][][2]string{}
	for _, p := range periods {
		got := queryStrings(t, s.conn, "phe_funnel_bands", sql.Named("metric", m.ID), sql.Named("period", p.Period))
		if len(got) != len(p.Num) {
			t.Fatalf("%s: %d comparisons, want %d", p.Period, len(got), len(p.Num))
		}
		for _, g := range got {
			out[p.Period] = append(out[p.Period], [2]string{g[1], g[2]})
		}
	}
	return out
}

// checkBands compares each row's bands with those PHE's significance
// implies.
func checkBands(t *testing.T, what string, got [][2]string, p phePeriod) {
	t.Helper()
	counts := map[string]int{}
	for i, w := range p.Want {
		want, ok := pheSignificance[w]
		if !ok {
			t.Fatalf("%s row %d: significance %q is not PHE's", what, i+1, w)
		}
		counts[w]++
		if got[i] != want {
			t.Errorf("%s row %d (%g/%d): bands (99.8%%, 95%%) = %v, want %v (PHE: %s)", what, i+1, p.Num[i], p.Den[i], got[i], want, w)
		}
	}
	t.Logf("%s: %d rows, PHE's significance %v", what, len(p.Want), counts)
}

// TestFunnelSignificancePHEProportions feeds the 303 proportions of
// PHEindicatormethods' test of assign_funnel_significance through
// Yardstick's comparison queries and checks that band_national and
// band_national_95 say what PHE's significance says of every row. PHE's
// test compares the labels exactly; so does this.
func TestFunnelSignificancePHEProportions(t *testing.T) {
	t.Parallel()
	p := phePeriod{Period: "2024-25-Q1"}
	for _, r := range readPHE(t, "phe_funnel_prop_significance.csv") {
		p.Num = append(p.Num, mustFloat(t, r["numerator"]))
		p.Den = append(p.Den, int64(mustFloat(t, r["denominator"])))
		p.Want = append(p.Want, r["significance"])
	}
	if len(p.Num) != 303 {
		t.Fatalf("%d rows of PHE's test data, want 303", len(p.Num))
	}
	m := schemas.Metric{ID: "phe-proportion", Title: "PHE test proportion", Kind: schemas.KindProportion,
		Unit: schemas.UnitPercent, Multiplier: 100, Polarity: schemas.NoPolarity, Disclosure: schemas.DisclosureNone}
	got := bandsOf(t, m, []phePeriod{p})
	checkBands(t, "proportions", got[p.Period], p)
}

// TestFunnelSignificancePHERates feeds the 40 crude rates of
// PHEindicatormethods' test of assign_funnel_significance (one of 0 events,
// whose interval is the exact Poisson one; the others from 1,332 events up,
// Byar's) through Yardstick's comparison queries, per 100,000 and per 100,
// with the row of 0 (period Q1) and without it (Q2), which moves the pooled
// rate, and checks band_national and band_national_95 against PHE's
// significance of every row.
func TestFunnelSignificancePHERates(t *testing.T) {
	t.Parallel()
	rows := readPHE(t, "phe_funnel_rate_significance.csv")
	if len(rows) != 40 {
		t.Fatalf("%d rows of PHE's test data, want 40", len(rows))
	}
	for _, tt := range []struct {
		Name       string
		Multiplier float64
		Unit       schemas.Unit
		Suffix     string
	}{
		{"per 100,000", 100000, schemas.UnitPer100000, "per_100000"},
		{"per 100", 100, schemas.UnitNumber, "per_100"},
	} {
		t.Run(tt.Name, func(t *testing.T) {
			t.Parallel()
			with := phePeriod{Period: "2024-25-Q1"}
			without := phePeriod{Period: "2024-25-Q2"}
			for _, r := range rows {
				x, n := mustFloat(t, r["count"]), int64(mustFloat(t, r["pop"]))
				with.Num, with.Den = append(with.Num, x), append(with.Den, n)
				with.Want = append(with.Want, r["crude_"+tt.Suffix+"_with_0"])
				if x != 0 {
					without.Num, without.Den = append(without.Num, x), append(without.Den, n)
					without.Want = append(without.Want, r["crude_"+tt.Suffix+"_without_0"])
				}
			}
			if len(without.Num) != 39 {
				t.Fatalf("%d rows with events, want 39", len(without.Num))
			}
			m := schemas.Metric{ID: "phe-rate", Title: "PHE test rate", Kind: schemas.KindRate,
				Unit: tt.Unit, Multiplier: tt.Multiplier, Polarity: schemas.NoPolarity, Disclosure: schemas.DisclosureNone}
			got := bandsOf(t, m, []phePeriod{with, without})
			checkBands(t, "with 0", got[with.Period], with)
			checkBands(t, "without 0", got[without.Period], without)
		})
	}
}

// TestFunnelLimitsPHEProportions runs funnel_limits at each of the 100
// denominators of PHEindicatormethods' test of calculate_funnel_limits for
// proportions, around the same pooled average (that of the 303 rows of
// phe_funnel_prop_significance.csv, 80.6424478571495%), and checks the 95%
// and 99.8% limits and the target against PHE's. PHE's figures are to six
// decimal places, Yardstick's to six significant figures, so each must
// agree within half a unit of both: within 5e-7 plus half a unit in the
// sixth significant figure of PHE's value, and exactly where PHE's is 0
// or 100 (a limit held within 0..100%).
func TestFunnelLimitsPHEProportions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var sumX, sumN float64
	for _, r := range readPHE(t, "phe_funnel_prop_significance.csv") {
		sumX += mustFloat(t, r["numerator"])
		sumN += mustFloat(t, r["denominator"])
	}
	target := sumX / sumN
	limits := readPHE(t, "phe_funnel_prop_limits.csv")
	if len(limits) != 100 {
		t.Fatalf("%d rows of PHE's limits, want 100", len(limits))
	}
	s := macroSession(t)
	if _, err := s.conn.ExecContext(ctx, testSQL(t, "phe_funnel_groups")); err != nil {
		t.Fatal(err)
	}
	var groups, benchmarks [][]driver.Value
	for _, r := range limits {
		n := mustFloat(t, r["Population"])
		period := "n" + r["Population"]
		groups = append(groups, []driver.Value{"phe", period, "phe", "council", n})
		benchmarks = append(benchmarks, []driver.Value{"phe", period, "phe", "council", "proportion", 100.0, target, 0.0})
	}
	if err := s.appendRows(ctx, "comparison_rows", groups); err != nil {
		t.Fatal(err)
	}
	if err := s.appendRows(ctx, "benchmarks", benchmarks); err != nil {
		t.Fatal(err)
	}
	if err := s.exec(ctx, "funnel_limits", sql.Named("z95", Z95), sql.Named("z998", Z998)); err != nil {
		t.Fatal(err)
	}
	rows, err := s.conn.QueryContext(ctx, testSQL(t, "phe_funnel_limits"))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got [][6]float64
	for rows.Next() {
		var g [6]float64
		if err := rows.Scan(&g[0], &g[1], &g[2], &g[3], &g[4], &g[5]); err != nil {
			t.Fatal(err)
		}
		got = append(got, g)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(limits) {
		t.Fatalf("%d funnel points, want %d", len(got), len(limits))
	}
	cols := []string{"Population", "Baseline", "Lower2s0025limit", "Upper2s0025limit", "Lower3s0001limit", "Upper3s0001limit"}
	for i, r := range limits {
		for j, c := range cols {
			want := mustFloat(t, r[c])
			if !pheAgrees(got[i][j], want) {
				t.Errorf("n = %s: %s = %.9g, PHE %s", r["Population"], c, got[i][j], r[c])
			}
		}
	}
}

// pheAgrees reports whether got, published to six significant figures,
// is want, given by PHE to six decimal places: within half a unit of each.
func pheAgrees(got, want float64) bool {
	if want == 0 || want == 100 {
		return got == want
	}
	half := 0.5 * math.Pow(10, math.Floor(math.Log10(math.Abs(want)))-5)
	return math.Abs(got-want) <= half+5e-7
}

// BenchmarkFunnelLimits times the funnel_limits query alone, over the
// comparisons of BenchmarkBuild's synthetic warehouse (48,000 rows: four
// home care metrics, one of them a rate, over four quarters at two
// levels, so 32 curves of 100 points).
func BenchmarkFunnelLimits(b *testing.B) {
	ctx := context.Background()
	root, cs, cat := benchFixture(b)
	db := openTest(b)
	if err := db.Build(ctx, BuildInput{DataDir: root, Catalogue: cat, Councils: cs}); err != nil {
		b.Fatal(err)
	}
	s := testSession(b, db)
	if err := s.createMacros(ctx); err != nil {
		b.Fatal(err)
	}
	if _, err := s.conn.ExecContext(ctx, testSQL(b, "phe_funnel_bench_rows")); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if err := s.exec(ctx, "funnel_limits", sql.Named("z95", Z95), sql.Named("z998", Z998)); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(len(queryStrings(b, s.conn, "table_rows", sql.Named("table", "funnel_limits")))), "points")
}

// pheRateCurves are PHE's four rate funnel limits (column prefixes of
// calculate_funnel_limits' output), in the order of funnel_limits' columns
// lower95, upper95, lower998, upper998. A lower limit is where the count's
// upper confidence limit meets the expected count, an upper limit where
// its lower confidence limit does.
var pheRateCurves = []struct {
	PHE   string
	Z     float64
	Alpha float64
	Lower bool
}{
	{"lower_2s", Z95, 0.05, true},
	{"upper_2s", Z95, 0.05, false},
	{"lower_3s", Z998, 0.002, true},
	{"upper_3s", Z998, 0.002, false},
}

// byarCount is Byar's confidence limit for a count of o events at normal
// quantile z, worked from the formula: the upper limit (o+1) (1 -
// 1/(9(o+1)) + z/(3 sqrt(o+1)))^3 when upper, else the lower limit o (1 -
// 1/(9o) - z/(3 sqrt o))^3.
func byarCount(o, z float64, upper bool) float64 {
	if upper {
		y := o + 1
		return y * math.Pow(1-1/(9*y)+z/(3*math.Sqrt(y)), 3)
	}
	return o * math.Pow(1-1/(9*o)-z/(3*math.Sqrt(o)), 3)
}

// halfUnit6 is half a unit in the sixth significant figure of x: how far
// a figure published to six significant figures can be from its value.
func halfUnit6(x float64) float64 {
	if x == 0 {
		return 0
	}
	return 0.5 * math.Pow(10, math.Floor(math.Log10(math.Abs(x)))-5)
}

// TestFunnelLimitsPHERates draws Yardstick's rate funnel at each point of
// PHEindicatormethods' two tests of calculate_funnel_limits for crude rates
// (per 100,000, over three years, from 1 to 1,344 events and from 286 to
// 1,119), around PHE's baseline, and checks each of the four limits at the
// population PHE draws it at.
//
// PHE draws a limit of k events at the population n where the count's
// exact Poisson limit equals the expected count t n, and gives k / n x
// 1e5. Yardstick's limits invert the count limits its intervals use:
//
//   - Below 10 events those are the exact limits, so at PHE's n Yardstick's
//     limit is PHE's, within half a unit in its sixth significant figure,
//     PHE's ten significant figures, and the error of PHE's search: its
//     bisection on v = e / (1 + k + e) stops at a step of 2^-24, so its
//     expected count e is within 2^-24 / (v (1 - v)) of the exact limit
//     (relatively), which moves the count on Yardstick's line by that much
//     of e over the gap to the next count's limit (the smaller gap either
//     side: the limits of 0 events are -log(alpha/2) and 0, of 10 Byar's).
//     That bound is 1e-6 for most points and 1.2e-4 for the 99.8% upper
//     limit of 1 event, whose limit 0.0010005 PHE's search finds with
//     v = 0.0005.
//   - From 10 events Yardstick uses Byar's limits, as PHE's own
//     assign_funnel_significance does, where calculate_funnel_limits uses
//     the exact ones; so there each published limit, as the interval of
//     values that round to it, must hold the count whose Byar limit is
//     t n (worked here from Byar's formula), and must be at or outside
//     PHE's (Byar's limits lie outside the exact ones on PHE's points: up
//     to 0.85% at 10 events and 99.8%, 4e-5 from 286 events).
func TestFunnelLimitsPHERates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	files := []string{"phe_funnel_rate_limits.csv", "phe_funnel_rate_limits_0.csv"}
	s := macroSession(t)
	if _, err := s.conn.ExecContext(ctx, testSQL(t, "phe_funnel_groups")); err != nil {
		t.Fatal(err)
	}
	type point struct {
		File, Period string
		Events       float64
		Row          map[string]string
		Curve        int
	}
	var points []point
	var groups, benchmarks [][]driver.Value
	byEvents := map[string]map[float64]map[string]string{}
	for fi, f := range files {
		rows := readPHE(t, f)
		if len(rows) != 100 {
			t.Fatalf("%s: %d rows of PHE's limits, want 100", f, len(rows))
		}
		byEvents[f] = map[float64]map[string]string{}
		for i, r := range rows {
			k := mustFloat(t, r["Events"])
			byEvents[f][k] = r
			target := mustFloat(t, r["baseline"]) / 1e5
			for c, curve := range pheRateCurves {
				period := fmt.Sprintf("%d-%03d-%d", fi, i, c)
				n := 3 * mustFloat(t, r[curve.PHE+"_population_1_year"])
				groups = append(groups, []driver.Value{"phe", period, "phe", "council", n})
				benchmarks = append(benchmarks, []driver.Value{"phe", period, "phe", "council", "rate", 1e5, target, 0.0})
				points = append(points, point{File: f, Period: period, Events: k, Row: r, Curve: c})
			}
		}
	}
	if err := s.appendRows(ctx, "comparison_rows", groups); err != nil {
		t.Fatal(err)
	}
	if err := s.appendRows(ctx, "benchmarks", benchmarks); err != nil {
		t.Fatal(err)
	}
	if err := s.exec(ctx, "funnel_limits", sql.Named("z95", Z95), sql.Named("z998", Z998)); err != nil {
		t.Fatal(err)
	}
	got := map[string][5]float64{}
	for _, r := range queryStrings(t, s.conn, "phe_funnel_rate_points") {
		var g [5]float64
		for j := range g {
			g[j] = mustFloat(t, r[j+1])
		}
		got[r[0]] = g
	}
	if len(got) != len(points) {
		t.Fatalf("%d funnel points, want %d", len(got), len(points))
	}
	var exactChecked, byarChecked int
	worst := map[string]float64{}
	for _, p := range points {
		curve := pheRateCurves[p.Curve]
		g := got[p.Period]
		n, lim := g[0], g[1+p.Curve]
		want := mustFloat(t, p.Row[curve.PHE+"_limit"])
		e := mustFloat(t, p.Row["baseline"]) / 1e5 * n
		what := fmt.Sprintf("%s, %g events: %s", p.File, p.Events, curve.PHE)
		if p.Events < ExactPoissonBelow {
			// The expected counts of the counts either side, as PHE gives them.
			knot := func(k float64) float64 {
				switch {
				case k == 0 && curve.Lower:
					return -math.Log(curve.Alpha / 2)
				case k == 0:
					return 0
				case k == ExactPoissonBelow:
					return byarCount(k, curve.Z, curve.Lower)
				}
				r, ok := byEvents[p.File][k]
				if !ok {
					t.Fatalf("%s: no row of %g events", what, k)
				}
				return mustFloat(t, r["baseline"]) / 1e5 * 3 * mustFloat(t, r[curve.PHE+"_population_1_year"])
			}
			gap := math.Min(e-knot(p.Events-1), knot(p.Events+1)-e)
			v := e / (1 + p.Events + e)
			search := e * math.Pow(2, -24) / (v * (1 - v)) / gap / p.Events
			tol := halfUnit6(lim) + math.Abs(want)*(search+5e-10)
			if math.Abs(lim-want) > tol {
				t.Errorf("%s = %.9g at n = %g, PHE %s (tolerance %.3g)", what, lim, n, p.Row[curve.PHE+"_limit"], tol)
			}
			exactChecked++
			continue
		}
		// The count limit at x events, and how far it can be from the
		// exact arithmetic: Byar's from 10; below 10 (where PHE's exact
		// limit of 10 events is below Byar's) the line between the exact
		// limit of 9 events, as PHE gives it (within its search's error),
		// and Byar's of 10.
		limit := func(x float64) (value, slack float64) {
			if x >= ExactPoissonBelow {
				return byarCount(x, curve.Z, curve.Lower), 0
			}
			r := byEvents[p.File][ExactPoissonBelow-1]
			e9 := mustFloat(t, r["baseline"]) / 1e5 * 3 * mustFloat(t, r[curve.PHE+"_population_1_year"])
			v := e9 / (ExactPoissonBelow + e9)
			b10 := byarCount(ExactPoissonBelow, curve.Z, curve.Lower)
			return e9 + (x-(ExactPoissonBelow-1))*(b10-e9), e9 * math.Pow(2, -24) / (v * (1 - v))
		}
		h := halfUnit6(lim) + math.Abs(lim)*1e-9
		lo, slackLo := limit((lim - h) * n / 1e5)
		hi, slackHi := limit((lim + h) * n / 1e5)
		lo, hi = lo-slackLo, hi+slackHi
		if !(lo <= e && e <= hi) {
			t.Errorf("%s = %.9g at n = %g: Byar's limits of the counts it rounds from are %.12g to %.12g, not about t n = %.12g",
				what, lim, n, lo, hi, e)
		}
		if curve.Lower && lim > want+h || !curve.Lower && lim < want-h {
			t.Errorf("%s = %.9g at n = %g is inside PHE's exact limit %s", what, lim, n, p.Row[curve.PHE+"_limit"])
		}
		worst[curve.PHE] = math.Max(worst[curve.PHE], math.Abs(lim/want-1))
		byarChecked++
	}
	if exactChecked != len(pheRateCurves)*9 {
		t.Errorf("%d limits below 10 events checked, want 36", exactChecked)
	}
	t.Logf("%d limits below 10 events checked against PHE's, %d from 10 against Byar's; largest departure from PHE's exact limits from 10 events: %v",
		exactChecked, byarChecked, worst)
}

// TestFunnelRateLimitsAgreeWithBands checks, row by row, that a rate lies
// outside its funnel's 99.8% (95%) limits at its denominator exactly when
// band_national (band_national_95) calls it better or worse, and outside
// the adjusted limits exactly when band_national_adjusted does, on three
// groups whose rows share a denominator (so each funnel is that one point,
// and the expected count t n is the rows' mean count), per 1,000, lower is
// better. Each group sweeps the counts across both limits. The limits,
// worked by hand (exact limits: chi-squared quantiles, qchisq(p, 2k)/2;
// Byar's solved by bisection on his formula):
//
//	A: n = 1,000; counts 0 to 24 and eleven of 3: mean 9.25.
//	   99.8% lower: the upper limits of 1 and 2 events are 9.233413 and
//	   11.228872 (exp(-m) (1 + m) = 0.001, exp(-m) (1 + m + m^2/2) =
//	   0.001), so 1 + (9.25 - 9.233413) / 1.995459 = 1.008312 events;
//	   95% lower: 3 + (9.25 - 8.767273) / (10.241589 - 8.767273) =
//	   3.327424. Upper: the count whose Byar lower limit is 9.25,
//	   20.496016 (99.8%) and 16.146387 (95%). Per 1,000 at n = 1,000 a
//	   count is its rate: 1 event is better at 99.8% (its upper limit
//	   9.233 is below 9.25, 0.2% away), 2 is not.
//	B: n = 100,000; counts 860 to 960 and 1,040 to 1,140: mean 1,000.
//	   By Byar's formula the counts whose limits are 1,000: 903.213277 and
//	   1,099.637203 (99.8%), 937.998727 and 1,062.948637 (95%); per 1,000,
//	   9.03213, 10.9964, 9.37999 and 10.6295. 938 events is the closest
//	   case: its 95% upper limit is 1,000.0013, 1.3e-6 above the
//	   expected count, so it is similar, and its rate 9.38 is above the
//	   lower limit 9.37999 by one unit in the sixth figure.
//	C: n = 1,000; counts 0 to 8 and 63 of 0: mean 0.5. The lower limits
//	   are 0: no count's upper limit is below 0.5 (that of 0 events is
//	   -log(0.001) = 6.9 at 99.8%, -log(0.025) = 3.7 at 95%). Upper: the
//	   exact lower limits of 4 and 5 events are 0.428552 and 0.739372
//	   (99.8%), so 4 + (0.5 - 0.428552) / 0.310820 = 4.229869; of 2 and 3
//	   events 0.242209 and 0.618672 (95%), so 2.684771.
func TestFunnelRateLimitsAgreeWithBands(t *testing.T) {
	t.Parallel()
	group := func(period string, n int64, counts ...[]int) phePeriod {
		p := phePeriod{Period: period}
		for _, cs := range counts {
			for _, c := range cs {
				p.Num, p.Den = append(p.Num, float64(c)), append(p.Den, n)
			}
		}
		return p
	}
	span := func(from, to int) []int {
		var out []int
		for c := from; c <= to; c++ {
			out = append(out, c)
		}
		return out
	}
	repeat := func(c, times int) []int {
		out := make([]int, times)
		for i := range out {
			out[i] = c
		}
		return out
	}
	periods := []phePeriod{
		group("2024-25-Q1", 1000, span(0, 24), repeat(3, 11)),
		group("2024-25-Q2", 100000, span(860, 960), span(1040, 1140)),
		group("2024-25-Q3", 1000, span(0, 8), repeat(0, 63)),
	}
	m := schemas.Metric{ID: "phe-rate", Title: "Test rate", Kind: schemas.KindRate, Unit: schemas.UnitPer1000,
		Multiplier: 1000, Polarity: schemas.LowerIsBetter, Disclosure: schemas.DisclosureNone}
	s := compared(t, m, periods)
	rows := queryStrings(t, s.conn, "phe_funnel_rate_bands", sql.Named("metric", m.ID))
	want := map[string][5]float64{
		// target, lower95, upper95, lower998, upper998, as published
		"2024-25-Q1": {9.25, 3.32742, 16.1464, 1.00831, 20.4960},
		"2024-25-Q2": {10, 9.37999, 10.6295, 9.03213, 10.9964},
		"2024-25-Q3": {0.5, 0, 2.68477, 0, 4.22987},
	}
	// outside says where a value lies against a pair of limits, as a band
	// of a lower-is-better metric reads it.
	outside := func(v, lower, upper float64) string {
		switch {
		case v < lower:
			return "better"
		case v > upper:
			return "worse"
		}
		return "similar"
	}
	seen := map[string]map[string]int{}
	checked := map[string]int{}
	for _, r := range rows {
		period, code := r[0], r[1]
		f := make([]float64, 16)
		for _, j := range []int{4, 9, 10, 11, 12, 13, 14, 15} { // value and the funnel
			f[j] = mustFloat(t, r[j])
		}
		v := f[4]
		if got := [5]float64{f[9], f[10], f[11], f[12], f[13]}; got != want[period] {
			t.Errorf("%s %s: funnel (target, lower95, upper95, lower998, upper998) = %v, want %v", period, code, got, want[period])
		}
		for _, c := range []struct {
			Name         string
			Band         string
			Lower, Upper float64
		}{
			{"99.8%", r[6], f[12], f[13]},
			{"95%", r[7], f[10], f[11]},
			{"adjusted", r[8], f[14], f[15]},
		} {
			if o := outside(v, c.Lower, c.Upper); o != c.Band {
				t.Errorf("%s %s (%s events of %s): rate %g against the %s limits %g to %g is %s, band %s",
					period, code, r[2], r[3], v, c.Name, c.Lower, c.Upper, o, c.Band)
			}
			if seen[period+" "+c.Name] == nil {
				seen[period+" "+c.Name] = map[string]int{}
			}
			seen[period+" "+c.Name][c.Band]++
		}
		checked[period]++
	}
	for _, p := range periods {
		if checked[p.Period] != len(p.Num) {
			t.Errorf("%s: %d rows checked, want %d", p.Period, checked[p.Period], len(p.Num))
		}
		for _, level := range []string{"99.8%", "95%"} {
			b := seen[p.Period+" "+level]
			if b["worse"] == 0 || b["similar"] == 0 || b["better"] == 0 && p.Period != "2024-25-Q3" {
				t.Errorf("%s %s: bands %v; the group should sweep across both limits", p.Period, level, b)
			}
		}
	}
	t.Logf("bands per group and level: %v", seen)
}
