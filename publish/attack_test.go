package publish

import (
	"context"
	"fmt"
	"math"
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

// attackSubs are the submissions that bring the warehouse to release's
// data: one per period, each replacing the period's earlier one.
func attackSubs(release int, received time.Time) []sub {
	byPeriod := map[string][]obs{}
	for c, v := range attackData(release) {
		name := "Trafford care homes"
		if c.Provider != "" {
			name = "Home " + c.Provider
		}
		byPeriod[c.Period] = append(byPeriod[c.Period], obs{Provider: c.Provider, Name: name, Sector: "private",
			Service: "care-home", Metric: attackMetric, Period: c.Period, Num: i64(v.X), Den: i64(v.N),
			Value: f64(float64(v.X) / float64(v.N) * 1000)})
	}
	periods := make([]string, 0, len(byPeriod))
	for p := range byPeriod {
		periods = append(periods, p)
	}
	sort.Strings(periods)
	var out []sub
	for i, p := range periods {
		rows := byPeriod[p]
		sort.Slice(rows, func(i, j int) bool { return rows[i].Provider < rows[j].Provider })
		out = append(out, sub{ID: fmt.Sprintf("%s-r%d-%d", received.Format("20060102T150405Z"), release, i),
			Council: trafford, Received: received.Add(time.Duration(i) * time.Second), Rows: rows})
	}
	return out
}

// published is a cell as a release shows it: its counts, or hidden.
type published struct {
	Hidden bool
	C      attackCounts
}

// readPublished reads a release's ch-falls cells from its
// data/observations.csv, as anyone may.
func readPublished(t *testing.T, dir string) map[attackCell]published {
	t.Helper()
	out := map[attackCell]published{}
	for _, r := range readCSV(t, filepath.Join(dir, filepath.FromSlash(schemas.ObservationsCSV))) {
		if r["metric"] != attackMetric {
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

// TestAttackAcrossReleases builds three releases of Trafford's care-home
// falls (attackData) in one data folder, then attacks them as a reader
// with only the published observations files would: differencing (a
// total less the parts shown, in one release and with a hidden part's
// figure taken from another release), and linear-programming bounds over
// the totals of every set of releases taken together, a cell hidden in
// several releases assumed unchanged between them. It recovers no figure
// that the releases withheld and that no release published, and bounds
// no small count more tightly than duckdb.SafetyWidth.
func TestAttackAcrossReleases(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	root := t.TempDir()
	times := []time.Time{t0, t0.Add(24 * time.Hour), t0.Add(48 * time.Hour)}
	b := newBuilder(root, times...)
	b.Site = nil
	var releases []map[attackCell]published
	var truths []map[attackCell]attackCounts
	for r := 1; r <= 3; r++ {
		addSubmissions(t, root, attackSubs(r, times[r-1].Add(-time.Hour))...)
		rel, err := b.Publish(ctx)
		if err != nil {
			t.Fatalf("release %d: %v", r, err)
		}
		cells := readPublished(t, rel.Dir)
		truth := attackData(r)
		if len(cells) != len(truth) {
			t.Fatalf("release %d publishes %d cells, want %d", r, len(cells), len(truth))
		}
		shown := 0
		for c, p := range cells {
			if !p.Hidden {
				shown++
				if p.C != truth[c] {
					t.Errorf("release %d shows %v as %v, want %v", r, c, p.C, truth[c])
				}
			}
			if small(truth[c]) && !p.Hidden {
				t.Errorf("release %d shows small %v", r, c)
			}
		}
		// A release that hid everything would pass the attacks vacuously.
		if shown < len(cells)/3 {
			t.Errorf("release %d shows %d of %d cells", r, shown, len(cells))
		}
		t.Logf("release %d: %d of %d cells shown", r, shown, len(cells))
		releases = append(releases, cells)
		truths = append(truths, truth)
	}

	// everPublished reports whether some release showed c as v.
	everPublished := func(c attackCell, v attackCounts) bool {
		for _, rel := range releases {
			if p, ok := rel[c]; ok && !p.Hidden && p.C == v {
				return true
			}
		}
		return false
	}

	// Differencing: in each release's groups, a hidden member's figure is
	// taken from any release that shows it; a group left with one unknown
	// gives that unknown.
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
				v, ok := attackCounts{}, !rel[c].Hidden
				if ok {
					v = rel[c].C
				} else {
					for _, other := range releases {
						if p, found := other[c]; found && !p.Hidden {
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
			if rest == truths[r][c] && !everPublished(c, rest) {
				t.Errorf("release %d: the group of %v, with figures from other releases, gives back %v = %v", r+1, g[0], c, rest)
			}
		}
	}

	// Bounds over every set of releases.
	for set := 1; set < 1<<len(releases); set++ {
		var in []int
		for r := range releases {
			if set&(1<<r) != 0 {
				in = append(in, r)
			}
		}
		attempts += boundAttack(t, releases, truths, in)
	}
	if attempts < 20 {
		t.Errorf("%d attacks attempted, want at least 20: the test proves little", attempts)
	}
}

// boundAttack bounds every hidden count from the totals of the releases
// in, one unknown per hidden cell and count, shared by the releases (the
// reader assumes a hidden cell unchanged), a cell hidden in one release
// and shown in another taking the figure shown. When the assumption is
// wrong the equations may contradict each other, and the reader learns
// nothing. It reports, for each cell small in the last release of in and
// the same in all of them, a range narrower than duckdb.SafetyWidth, and
// returns how many ranges it worked out.
func boundAttack(t *testing.T, releases []map[attackCell]published, truths []map[attackCell]attackCounts, in []int) int {
	t.Helper()
	type varKey struct {
		Cell attackCell
		Side int
	}
	vars := map[varKey]int{}
	shownAnywhere := func(c attackCell) (attackCounts, bool) {
		for _, r := range in {
			if p, ok := releases[r][c]; ok && !p.Hidden {
				return p.C, true
			}
		}
		return attackCounts{}, false
	}
	var eqs []audit.Equation
	for _, r := range in {
		for _, g := range attackGroups(releases[r]) {
			for side := 0; side < 2; side++ {
				var eq audit.Equation
				for i, c := range g {
					coef := int64(-1)
					if i == 0 {
						coef = 1
					}
					p := releases[r][c]
					v, ok := p.C, !p.Hidden
					if !ok {
						v, ok = shownAnywhere(c)
					}
					if ok {
						val := v.X
						if side == 1 {
							val = v.N
						}
						eq.RHS -= coef * val
						continue
					}
					k := varKey{c, side}
					if _, seen := vars[k]; !seen {
						vars[k] = len(vars)
					}
					eq.Terms = append(eq.Terms, audit.Term{Var: vars[k], Coef: coef})
				}
				if len(eq.Terms) > 0 {
					eqs = append(eqs, eq)
				}
			}
		}
	}
	p, err := audit.Reduce(len(vars), eqs)
	if err != nil {
		return 0 // the assumption that hidden cells did not change is wrong
	}
	last := in[len(in)-1]
	n := 0
	keys := make([]varKey, 0, len(vars))
	for k := range vars {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
	for _, k := range keys {
		truth, ok := truths[last][k.Cell]
		if !ok || !small(truth) {
			continue
		}
		same := true
		for _, r := range in {
			if v, ok := truths[r][k.Cell]; ok && v != truth {
				same = false
			}
		}
		if !same {
			continue
		}
		lo, hi, err := p.Range([]audit.Term{{Var: vars[k], Coef: 1}})
		if err != nil {
			continue // contradictory: nothing learnt
		}
		n++
		if !math.IsInf(hi, 1) && math.Floor(hi+1e-6)-math.Ceil(lo-1e-6) < duckdb.SafetyWidth {
			side := "falls"
			if k.Side == 1 {
				side = "bed days"
			}
			t.Errorf("releases %v hold %v's %s between %v and %v", in, k.Cell, side, lo, hi)
		}
	}
	return n
}
