package publish

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/publish/audit"
	"github.com/yardstick-open/yardstick/publish/duckdb"
	"github.com/yardstick-open/yardstick/schemas"
)

// attackCell names a ch-falls cell of Trafford's care homes: a provider
// ("" for the council-wide row) and a period.
type attackCell struct{ Provider, Period string }

// attackCounts are a cell's falls and occupied bed days.
type attackCounts struct{ X, N int64 }

const (
	attackMetric = "ch-falls" // a rate per 1,000 bed days under small_counts
	attackYear   = "2024-25"
)

var attackQuarters = []string{"2024-25-Q1", "2024-25-Q2", "2024-25-Q3", "2024-25-Q4"}

var attackProviders = []string{"1-101000001", "1-101000002", "1-101000003", "1-101000004"}

// attackData is what Trafford has returned by each release: each
// provider's falls per quarter, with the council-wide rows and the year
// the sums of them.
//
//	release 1  Q1 and Q2 only; P1's Q1 (3) and P2's Q2 (4) are small.
//	release 2  adds Q3 and Q4, with P3's and P4's Q3 (2 each) and P4's Q4
//	           (1) small, and the annual return: each provider's year
//	           and the council's, totals that did not exist before. Q3's
//	           council total less the cells shown would hold P3 and P4
//	           to 0..4 if only the two small cells were hidden.
//	release 3  corrections: P1's Q1 becomes 4 (still small), so Q1's
//	           council total, P1's year and the council's year change;
//	           P2's Q2 becomes 14 (no longer small), and its totals change
//	           with it.
func attackData(release int) map[attackCell]attackCounts {
	x := [4][4]int64{
		{3, 11, 14, 12},
		{12, 4, 13, 15},
		{15, 16, 2, 17},
		{20, 22, 2, 1},
	}
	n := [4]int64{2000, 3000, 4000, 5000}
	if release == 3 {
		x[0][0], x[1][1] = 4, 14
	}
	quarters := 2
	if release >= 2 {
		quarters = 4
	}
	out := map[attackCell]attackCounts{}
	var year [4]attackCounts
	var council attackCounts
	for q := 0; q < quarters; q++ {
		var total attackCounts
		for p, id := range attackProviders {
			c := attackCounts{x[p][q], n[p]}
			out[attackCell{id, attackQuarters[q]}] = c
			total.X, total.N = total.X+c.X, total.N+c.N
			year[p].X, year[p].N = year[p].X+c.X, year[p].N+c.N
		}
		out[attackCell{"", attackQuarters[q]}] = total
		council.X, council.N = council.X+total.X, council.N+total.N
	}
	if release >= 2 {
		for p, id := range attackProviders {
			out[attackCell{id, attackYear}] = year[p]
		}
		out[attackCell{"", attackYear}] = council
	}
	return out
}

// attackRelease is what Trafford has returned by one release of a
// scenario.
type attackRelease struct {
	// Truth is each ch-falls cell's falls and bed days as the council has
	// them.
	Truth map[attackCell]attackCounts
	// Digits is how many decimals the council writes each value with;
	// -1 for as many as a float holds.
	Digits int
	// NoCounts are cells sent with their value alone.
	NoCounts []attackCell
	// Extra are rows of other metrics sent beside them.
	Extra []obs
	// After, when set, runs once the release is published.
	After func(t *testing.T, root, dir string)
}

// attackSubs are the submissions that bring the warehouse to a release's
// data: one per period, each replacing the period's earlier one.
func attackSubs(rel attackRelease, release int, received time.Time) []sub {
	noCounts := map[attackCell]bool{}
	for _, c := range rel.NoCounts {
		noCounts[c] = true
	}
	byPeriod := map[string][]obs{}
	for c, v := range rel.Truth {
		name := "Trafford care homes"
		if c.Provider != "" {
			name = "Home " + c.Provider
		}
		value := float64(v.X) / float64(v.N) * 1000
		if rel.Digits >= 0 {
			scale := math.Pow(10, float64(rel.Digits))
			value = math.Round(value*scale) / scale
		}
		o := obs{Provider: c.Provider, Name: name, Sector: "private",
			Service: "care-home", Metric: attackMetric, Period: c.Period, Num: i64(v.X), Den: i64(v.N),
			Value: f64(value)}
		if noCounts[c] {
			o.Num, o.Den = nil, nil
		}
		byPeriod[c.Period] = append(byPeriod[c.Period], o)
	}
	for _, o := range rel.Extra {
		byPeriod[o.Period] = append(byPeriod[o.Period], o)
	}
	periods := make([]string, 0, len(byPeriod))
	for p := range byPeriod {
		periods = append(periods, p)
	}
	sort.Strings(periods)
	var out []sub
	for i, p := range periods {
		rows := byPeriod[p]
		sort.Slice(rows, func(i, j int) bool {
			if rows[i].Metric != rows[j].Metric {
				return rows[i].Metric < rows[j].Metric
			}
			return rows[i].Provider < rows[j].Provider
		})
		out = append(out, sub{ID: fmt.Sprintf("%s-r%d-%d", received.Format("20060102T150405Z"), release, i),
			Council: trafford, Received: received.Add(time.Duration(i) * time.Second), Rows: rows})
	}
	return out
}

// published is a cell as a release shows it: hidden, its counts, or a
// value alone (NoCounts).
type published struct {
	Hidden   bool
	NoCounts bool
	C        attackCounts
	Value    float64
}

// readPublished reads a release's cells of metric from its
// data/observations.csv, as anyone may.
func readPublished(t *testing.T, dir, metric string) map[attackCell]published {
	t.Helper()
	out := map[attackCell]published{}
	for _, r := range readCSV(t, filepath.Join(dir, filepath.FromSlash(schemas.ObservationsCSV))) {
		if r["metric"] != metric {
			continue
		}
		c := attackCell{r["provider_id"], r["period"]}
		if r["status"] == "[c]" {
			if r["numerator"] != "" || r["denominator"] != "" || r["value"] != "" {
				t.Errorf("hidden %v shows %q / %q = %q", c, r["numerator"], r["denominator"], r["value"])
			}
			out[c] = published{Hidden: true}
			continue
		}
		if r["numerator"] == "" && r["denominator"] == "" {
			v, err := strconv.ParseFloat(r["value"], 64)
			if err != nil {
				t.Fatalf("%v: value %q", c, r["value"])
			}
			out[c] = published{NoCounts: true, Value: v}
			continue
		}
		x, errx := strconv.ParseInt(r["numerator"], 10, 64)
		n, errn := strconv.ParseInt(r["denominator"], 10, 64)
		if errx != nil || errn != nil {
			t.Fatalf("%v: counts %q / %q", c, r["numerator"], r["denominator"])
		}
		out[c] = published{C: attackCounts{x, n}}
	}
	return out
}

// attackGroups links a release's cells as a reader would: each council-
// wide row with the providers' rows of its period, and each year with the
// same provider's (or the council's) quarters. The total comes first.
func attackGroups(cells map[attackCell]published) [][]attackCell {
	var out [][]attackCell
	for c := range cells {
		var g []attackCell
		if c.Provider == "" {
			for _, p := range attackProviders {
				if _, ok := cells[attackCell{p, c.Period}]; ok {
					g = append(g, attackCell{p, c.Period})
				}
			}
		}
		if len(g) > 0 {
			out = append(out, append([]attackCell{c}, g...))
		}
		if c.Period == attackYear {
			g = nil
			for _, q := range attackQuarters {
				if _, ok := cells[attackCell{c.Provider, q}]; ok {
					g = append(g, attackCell{c.Provider, q})
				}
			}
			if len(g) > 0 {
				out = append(out, append([]attackCell{c}, g...))
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return fmt.Sprint(out[i]) < fmt.Sprint(out[j]) })
	return out
}

func small(c attackCounts) bool { return (c.X > 0 && c.X < 5) || c.N < 10 }

// Trafford's care-home falls in Q1 of 2024-25, for the scenarios of
// the attacker's review: P1's 3 falls over 2000 bed days are small.
func reviewQ1(total bool, p2 int64) map[attackCell]attackCounts {
	out := map[attackCell]attackCounts{
		{attackProviders[0], attackQuarters[0]}: {3, 2000},
		{attackProviders[1], attackQuarters[0]}: {p2, 3000},
		{attackProviders[2], attackQuarters[0]}: {15, 4000},
		{attackProviders[3], attackQuarters[0]}: {20, 5000},
	}
	if total {
		out[attackCell{"", attackQuarters[0]}] = attackCounts{3 + p2 + 35, 14000}
	}
	return out
}

// symlinkRelease moves a published release out of the data folder and
// links it back, as an operator archiving old releases would.
func symlinkRelease(t *testing.T, root, dir string) {
	t.Helper()
	archived := filepath.Join(t.TempDir(), filepath.Base(dir))
	if err := os.Rename(dir, archived); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(archived, dir); err != nil {
		t.Fatal(err)
	}
}

// attackScenarios are the sequences of releases the attack test builds
// and attacks, one data folder each.
func attackScenarios() map[string][]attackRelease {
	return map[string][]attackRelease{
		// attackData: quarters, then the annual return and council-wide
		// rows, then corrections.
		"annual returns and corrections": {
			{Truth: attackData(1), Digits: -1}, {Truth: attackData(2), Digits: -1}, {Truth: attackData(3), Digits: -1},
		},
		// The attacker's e1: release 1 has no council-wide row, so P1 is
		// hidden alone; release 2 adds the total and resends P2 (11/3000)
		// with its value written to 2 decimals, then P2 revised to 12.
		"values resent in another format": {
			{Truth: reviewQ1(false, 11), Digits: 5}, {Truth: reviewQ1(true, 11), Digits: 2},
			{Truth: reviewQ1(true, 12), Digits: 2},
		},
		// e1b: the same, with release 1 archived and linked back.
		"a symlinked release": {
			{Truth: reviewQ1(false, 11), Digits: 5, After: symlinkRelease}, {Truth: reviewQ1(true, 11), Digits: 2},
		},
		// e2: a council-wide total 39/14500 holding a fall and 500 bed
		// days more than its providers, P1 1/2000 and P2 2/3000 small: a
		// reader who knows the total holds at least its parts has P1 + P2
		// <= 39 - 35 = 4.
		"a total that holds more than its parts": {
			{Truth: func() map[attackCell]attackCounts {
				m := reviewQ1(false, 2)
				m[attackCell{attackProviders[0], attackQuarters[0]}] = attackCounts{1, 2000}
				m[attackCell{"", attackQuarters[0]}] = attackCounts{39, 14500}
				return m
			}(), Digits: -1},
		},
		// e6: P1's falls sent as a value alone (1.5 per 1,000), beside its
		// pressure ulcers with their bed days, which would give the falls
		// back: 1.5 x 2000 / 1000 = 3.
		"a value without counts beside a sister metric": {
			{Truth: reviewQ1(false, 11), Digits: -1, NoCounts: []attackCell{{attackProviders[0], attackQuarters[0]}},
				Extra: []obs{{Provider: attackProviders[0], Name: "Home " + attackProviders[0], Sector: "private",
					Service: "care-home", Metric: attackSister, Period: attackQuarters[0], Num: i64(7), Den: i64(2000),
					Value: f64(3.5)}}},
		},
	}
}

// attackSister shares ch-falls' denominator, occupied bed days.
const attackSister = "ch-pressure-ulcers"

// TestAttackAcrossReleases builds each scenario's releases in a data
// folder of its own, then attacks them as a reader with only the
// published observations files would: differencing (a total less the
// parts shown, in one release and with a hidden part's figure taken from
// another release), linear-programming bounds (smartAttack: one unknown
// per hidden count and release, tied to the cell's figure in other
// releases wherever that stays consistent), and a value published without
// counts read against a sister metric's denominator. It recovers no small
// figure that no release published, and bounds none, within a range
// holding its true value, more tightly than duckdb.SafetyWidth.
func TestAttackAcrossReleases(t *testing.T) {
	t.Parallel()
	scenarios := attackScenarios()
	names := make([]string, 0, len(scenarios))
	for name := range scenarios {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			attackScenario(t, scenarios[name])
		})
	}
}

func attackScenario(t *testing.T, scenario []attackRelease) {
	ctx := context.Background()
	root := t.TempDir()
	var times []time.Time
	for r := range scenario {
		times = append(times, t0.Add(time.Duration(r)*24*time.Hour))
	}
	b := newBuilder(root, times...)
	b.Site = nil
	var releases []map[attackCell]published
	var truths []map[attackCell]attackCounts
	attempts := 0
	for r, data := range scenario {
		addSubmissions(t, root, attackSubs(data, r+1, times[r].Add(-time.Hour))...)
		rel, err := b.Publish(ctx)
		if err != nil {
			t.Fatalf("release %d: %v", r+1, err)
		}
		cells := readPublished(t, rel.Dir, attackMetric)
		if len(cells) != len(data.Truth) {
			t.Fatalf("release %d publishes %d cells, want %d", r+1, len(cells), len(data.Truth))
		}
		shown := 0
		for c, p := range cells {
			truth := data.Truth[c]
			if !p.Hidden {
				shown++
				if !p.NoCounts && p.C != truth {
					t.Errorf("release %d shows %v as %v, want %v", r+1, c, p.C, truth)
				}
			}
			if small(truth) && !p.Hidden {
				t.Errorf("release %d shows small %v", r+1, c)
			}
		}
		// A release that hid everything would pass the attacks vacuously.
		if shown < len(cells)/3 {
			t.Errorf("release %d shows %d of %d cells", r+1, shown, len(cells))
		}
		t.Logf("release %d: %d of %d cells shown", r+1, shown, len(cells))
		attempts += sisterAttack(t, r+1, cells, readPublished(t, rel.Dir, attackSister), data.Truth)
		releases = append(releases, cells)
		truths = append(truths, data.Truth)
		if data.After != nil {
			data.After(t, root, rel.Dir)
		}
	}
	attempts += differencingAttack(t, releases, truths)
	attempts += smartAttack(t, releases, truths)
	if attempts < len(scenario) {
		t.Errorf("%d attacks attempted over %d releases, want at least one a release: the test proves little",
			attempts, len(scenario))
	}
}

// sisterAttack reads a ch-falls value published without counts against
// the same home's bed days published by the sister metric: value x bed
// days / 1000 falls. A small count so found is a breach. It returns how
// many cells it tried: those with a sister row.
func sisterAttack(t *testing.T, release int, cells, sister map[attackCell]published, truth map[attackCell]attackCounts) int {
	t.Helper()
	tried := 0
	for c, p := range cells {
		s, ok := sister[c]
		if ok {
			tried++
		}
		if !ok || p.Hidden || !p.NoCounts || s.Hidden || s.NoCounts {
			continue
		}
		x := int64(math.Round(p.Value * float64(s.C.N) / 1000))
		if x > 0 && x < 5 && x == truth[c].X {
			t.Errorf("release %d: %v's value %v over its sister's %d bed days gives back %d falls", release, c, p.Value, s.C.N, x)
		}
	}
	return tried
}

// everPublished reports whether some release showed c as v.
func everPublished(releases []map[attackCell]published, c attackCell, v attackCounts) bool {
	for _, rel := range releases {
		if p, ok := rel[c]; ok && !p.Hidden && !p.NoCounts && p.C == v {
			return true
		}
	}
	return false
}

// differencingAttack tries, in each release's groups, a hidden member's
// figure taken from any release that shows it; a group left with one
// unknown gives that unknown. It returns how many groups it tried.
func differencingAttack(t *testing.T, releases []map[attackCell]published, truths []map[attackCell]attackCounts) int {
	t.Helper()
	attempts := 0
	for r, rel := range releases {
		for _, g := range attackGroups(rel) {
			var unknown []attackCell
			var rest attackCounts
			for i, c := range g {
				sign := int64(-1)
				if i == 0 {
					sign = 1
				}
				v, ok := rel[c].C, !rel[c].Hidden && !rel[c].NoCounts
				if !ok {
					for _, other := range releases {
						if p, found := other[c]; found && !p.Hidden && !p.NoCounts {
							v, ok = p.C, true
						}
					}
				}
				if !ok {
					unknown = append(unknown, c)
					continue
				}
				rest.X, rest.N = rest.X-sign*v.X, rest.N-sign*v.N
			}
			if len(unknown) != 1 {
				continue
			}
			attempts++
			c := unknown[0]
			if c != g[0] {
				rest.X, rest.N = -rest.X, -rest.N
			}
			if rest == truths[r][c] && small(rest) && !everPublished(releases, c, rest) {
				t.Errorf("release %d: the group of %v, with figures from other releases, gives back %v = %v", r+1, g[0], c, rest)
			}
		}
	}
	return attempts
}

// attackVar is an unknown of smartAttack: one count (side 0 falls, 1 bed
// days) of a cell a release hides or shows without counts.
type attackVar struct {
	Cell    attackCell
	Side    int
	Release int
}

// smartAttack bounds every hidden count as a reader who keeps one unknown
// per hidden cell, count and release, and assumes a cell unchanged
// between releases wherever that stays consistent with everything
// published (the equations still have a solution with every count at
// least 0). The reader tries two ways: each such assumption alone, and
// all of them taken greedily in turn. It reports a range narrower than
// duckdb.SafetyWidth that holds the true value of a small count, and
// returns how many ranges it worked out. A range that misses the true
// value is a wrong guess (a corrected figure taken for the old one), not
// a disclosure.
func smartAttack(t *testing.T, releases []map[attackCell]published, truths []map[attackCell]attackCounts) int {
	t.Helper()
	worked := 0
	for side := 0; side < 2; side++ {
		figure := func(c attackCounts) int64 {
			if side == 1 {
				return c.N
			}
			return c.X
		}
		vars := map[attackVar]int{}
		var base []audit.Equation
		for r, rel := range releases {
			for _, g := range attackGroups(rel) {
				var eq audit.Equation
				for i, c := range g {
					coef := int64(-1)
					if i == 0 {
						coef = 1
					}
					if p := rel[c]; !p.Hidden && !p.NoCounts {
						eq.RHS -= coef * figure(p.C)
						continue
					}
					k := attackVar{c, side, r}
					if _, ok := vars[k]; !ok {
						vars[k] = len(vars)
					}
					eq.Terms = append(eq.Terms, audit.Term{Var: vars[k], Coef: coef})
				}
				if len(eq.Terms) > 0 {
					base = append(base, eq)
				}
			}
		}
		keys := make([]attackVar, 0, len(vars))
		for k := range vars {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
		// The assumptions: a hidden cell has the figure another release
		// shows, or the same figure as another release hides.
		var links []audit.Equation
		for _, k := range keys {
			for r2, rel := range releases {
				p, ok := rel[k.Cell]
				switch {
				case r2 == k.Release || !ok:
				case !p.Hidden && !p.NoCounts:
					links = append(links, audit.Equation{Terms: []audit.Term{{Var: vars[k], Coef: 1}}, RHS: figure(p.C)})
				case r2 > k.Release:
					if k2, ok := vars[attackVar{k.Cell, side, r2}]; ok {
						links = append(links, audit.Equation{Terms: []audit.Term{{Var: vars[k], Coef: 1}, {Var: k2, Coef: -1}}})
					}
				}
			}
		}
		solve := func(eqs []audit.Equation) *audit.Problem {
			p, err := audit.Reduce(len(vars), eqs)
			if err != nil {
				return nil
			}
			if _, _, err := p.Range(nil); err != nil {
				return nil // no counts of at least 0 satisfy them
			}
			return p
		}
		systems := []*audit.Problem{solve(base)}
		greedy := append([]audit.Equation{}, base...)
		for _, l := range links {
			if solve(append(append([]audit.Equation{}, greedy...), l)) != nil {
				greedy = append(greedy, l)
			}
			systems = append(systems, solve(append(append([]audit.Equation{}, base...), l)))
		}
		systems = append(systems, solve(greedy))
		for _, p := range systems {
			if p == nil {
				continue
			}
			for _, k := range keys {
				truth, ok := truths[k.Release][k.Cell]
				if !ok || !small(truth) {
					continue
				}
				lo, hi, err := p.Range([]audit.Term{{Var: vars[k], Coef: 1}})
				if err != nil {
					continue
				}
				worked++
				v := float64(figure(truth))
				if math.IsInf(hi, 1) || math.Floor(hi+1e-6)-math.Ceil(lo-1e-6) >= duckdb.SafetyWidth ||
					v < lo-1e-6 || v > hi+1e-6 || everPublished(releases, k.Cell, truth) {
					continue
				}
				what := "falls"
				if side == 1 {
					what = "bed days"
				}
				t.Errorf("release %d's %v: %s held between %.2f and %.2f (true %v)", k.Release+1, k.Cell, what, lo, hi, v)
			}
		}
	}
	return worked
}
