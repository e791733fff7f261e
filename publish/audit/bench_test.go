package audit

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

// benchSystems returns systems of the audit's usual shape, all
// consistent: tables of providers by quarters with their row and column
// totals, a few cells hidden, the published cells moved to the right-hand
// side, with counts from tens up to a few thousand. It also returns the
// hidden variables of each, whose least and greatest values are asked.
func benchSystems() (vars []int, systems [][]Equation) {
	rng := rand.New(rand.NewPCG(3, 5))
	for range 64 {
		rows, cols := 3+rng.IntN(6), 4
		x := make([][]int64, rows)
		for i := range x {
			x[i] = make([]int64, cols)
			for j := range x[i] {
				x[i][j] = rng.Int64N(3000)
			}
		}
		// The hidden cells: a few, each a variable of its own.
		index := map[[2]int]int{}
		for range 2 + rng.IntN(6) {
			k := [2]int{rng.IntN(rows), rng.IntN(cols)}
			if _, ok := index[k]; !ok {
				index[k] = len(index)
			}
		}
		var eqs []Equation
		line := func(cells [][2]int) {
			var eq Equation
			for _, k := range cells {
				if v, ok := index[k]; ok {
					eq.Terms = append(eq.Terms, Term{v, 1})
				}
				eq.RHS += x[k[0]][k[1]]
			}
			// The total is published; the shown parts move across.
			for _, k := range cells {
				if _, ok := index[k]; !ok {
					eq.RHS -= x[k[0]][k[1]]
				}
			}
			if len(eq.Terms) > 0 {
				eqs = append(eqs, eq)
			}
		}
		for i := range rows {
			var cells [][2]int
			for j := range cols {
				cells = append(cells, [2]int{i, j})
			}
			line(cells)
		}
		for j := range cols {
			var cells [][2]int
			for i := range rows {
				cells = append(cells, [2]int{i, j})
			}
			line(cells)
		}
		vars = append(vars, len(index))
		systems = append(systems, eqs)
	}
	return vars, systems
}

// BenchmarkRange measures the common path: reducing a consistent system
// and asking the least and greatest value of each hidden count, which the
// float tableau answers without the exact check.
func BenchmarkRange(b *testing.B) {
	vars, systems := benchSystems()
	b.ReportAllocs()
	for b.Loop() {
		for s, eqs := range systems {
			p, err := Reduce(vars[s], eqs)
			if err != nil {
				b.Fatal(err)
			}
			for v := range vars[s] {
				if _, _, err := p.Range([]Term{{v, 1}}); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
}

// BenchmarkRangeExact measures the rare path on the same systems: the
// float phase one made to claim infeasible, so that the exact simplex
// decides each system and answers every objective.
func BenchmarkRangeExact(b *testing.B) {
	vars, systems := benchSystems()
	b.ReportAllocs()
	for b.Loop() {
		for s, eqs := range systems {
			p, err := reduce(vars[s], eqs, claimInfeasible, exactBudget)
			if err != nil {
				b.Fatal(err)
			}
			for v := range vars[s] {
				if _, _, err := p.Range([]Term{{v, 1}}); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
}

// largeGroup returns the system of one linked group of a proportion with
// cells hidden members, the shape that dominates a national audit
// (BENCHMARKS.md, "The interval audit's large groups"): the group's
// numerator and denominator totals, each less its members shown, over
// the hidden members' numerators x_i (variables 3i) and denominators n_i
// (3i+1), and for each member x_i - n_i + s_i = 0 with its slack s_i
// (3i+2), as disclosure control states a proportion's bound. The counts
// are small, as hidden cells' are: denominators 1 to 12.
func largeGroup(rng *rand.Rand, cells int) []Equation {
	var num, den Equation
	var bounds []Equation
	for i := range cells {
		n := 1 + rng.Int64N(12)
		x := rng.Int64N(n + 1)
		num.Terms = append(num.Terms, Term{3 * i, 1})
		num.RHS += x
		den.Terms = append(den.Terms, Term{3*i + 1, 1})
		den.RHS += n
		bounds = append(bounds, Equation{Terms: []Term{{3 * i, 1}, {3*i + 1, -1}, {3*i + 2, 1}}})
	}
	return append([]Equation{num, den}, bounds...)
}

// BenchmarkRangeLargeGroup reduces one large group (largeGroup) of 60,
// 120 or 180 hidden members and asks each member's least and greatest
// numerator, denominator and complement, as the audit does: substituted
// (as Reduce does) and whole (nothing substituted, as the audit did
// before eliminate.go), the peer, in the same run. Each reports the
// simplex's pivots for each objective asked.
func BenchmarkRangeLargeGroup(b *testing.B) {
	for _, cells := range []int{60, 120, 180} {
		for _, way := range []struct {
			name         string
			substituting bool
		}{{"substituted", true}, {"whole", false}} {
			b.Run(strconv.Itoa(cells)+"/"+way.name, func(b *testing.B) {
				eqs := largeGroup(rand.New(rand.NewPCG(uint64(cells), 7)), cells)
				b.ReportAllocs()
				var pivots, objectives int
				for b.Loop() {
					p, err := reduceSubstituting(3*cells, eqs, feasible, exactBudget, way.substituting)
					if err != nil {
						b.Fatal(err)
					}
					for i := range cells {
						for _, obj := range [][]Term{{{3 * i, 1}}, {{3*i + 1, 1}}, {{3*i + 1, 1}, {3 * i, -1}}} {
							if _, _, err := p.Range(obj); err != nil {
								b.Fatal(err)
							}
							objectives++
						}
					}
					if p.start == nil {
						b.Fatal("the float tableau found no feasible basis")
					}
					pivots += p.start.pivots
				}
				b.ReportMetric(float64(pivots)/float64(objectives), "pivots/objective")
			})
		}
	}
}
