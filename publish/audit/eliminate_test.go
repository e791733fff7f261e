package audit

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestRangeProportions checks, by every route, bounds worked by hand on
// two hidden proportions of one linked group, each bounded as disclosure
// control bounds it (x - n + s = 0), which Reduce eliminates. Variables:
// x1, n1, s1 (0-2), x2, n2, s2 (3-5) and n3 (6), a third cell's
// denominator that shares a second group with n2. The groups: x1 + x2 =
// 8, n1 + n2 = 10, n2 + n3 = 4. So n2 <= 4 and x2 <= n2 make x1 = 8 - x2
// at least 4, and x1 <= 8; n1 = 10 - n2 is 6 to 10 (n2 = 0 with x2 = 0,
// x1 = 8 <= n1 = 10; n2 = 4 with x2 = 2, x1 = 6 <= n1 = 6); and the
// complement n1 - x1 = (10 - n2) - (8 - x2) = 2 - (n2 - x2) is 0 to 2.
// n3 = 4 - n2 is 0 to 4; the complement of the second, n2 - x2, is 0 to
// 2 (n1 - x1 = 2 - (n2 - x2) at least 0).
func TestRangeProportions(t *testing.T) {
	t.Parallel()
	const x1, n1, s1, x2, n2, s2, n3 = 0, 1, 2, 3, 4, 5, 6
	bound := func(x, n, s int, k int64) Equation {
		return Equation{Terms: []Term{{x, k}, {n, -k}, {s, k}}}
	}
	sum := func(rhs int64, a, b int) Equation { return Equation{Terms: []Term{{a, 1}, {b, 1}}, RHS: rhs} }
	system := func(k int64) []Equation {
		return []Equation{sum(8, x1, x2), sum(10, n1, n2), sum(4, n2, n3), bound(x1, n1, s1, k), bound(x2, n2, s2, k)}
	}
	tests := []struct {
		Name   string
		Obj    []Term
		Lo, Hi float64
	}{
		{"x1", []Term{{x1, 1}}, 4, 8},
		{"n1", []Term{{n1, 1}}, 6, 10},
		{"n1 - x1", []Term{{n1, 1}, {x1, -1}}, 0, 2},
		{"s1", []Term{{s1, 1}}, 0, 2},
		{"x2", []Term{{x2, 1}}, 0, 4},
		{"n2 - x2", []Term{{n2, 1}, {x2, -1}}, 0, 2},
		{"n3", []Term{{n3, 1}}, 0, 4},
	}
	// Written with k = 1 the bounds are eliminated; with k = 2 (the same
	// equations, doubled) they are not, and stay rows of the tableau.
	for _, k := range []int64{1, 2} {
		eqs := system(k)
		p, err := Reduce(7, eqs)
		if err != nil {
			t.Fatal(err)
		}
		if eliminated := p.expr != nil && p.expr[n1] != nil && p.expr[n2] != nil; eliminated != (k == 1) {
			t.Fatalf("bounds times %d: n1 and n2 eliminated %v", k, eliminated)
		}
		for _, tt := range tests {
			for _, r := range routes(t, 7, eqs) {
				lo, hi, err := r.p.Range(tt.Obj)
				if err != nil {
					t.Fatalf("bounds times %d, %s, %s: %v", k, tt.Name, r.name, err)
				}
				if math.Abs(lo-tt.Lo) > 1e-6 || math.Abs(hi-tt.Hi) > 1e-6 {
					t.Errorf("bounds times %d, %s, %s: range = [%v, %v], want [%v, %v]", k, tt.Name, r.name, lo, hi, tt.Lo, tt.Hi)
				}
			}
		}
	}
}

// TestEliminateKeepsRanges checks, on random linked groups of proportions
// and counts (largeGroup's shape, with hidden totals, parts shared by two
// groups and rows of a second table), that every range is the same with
// the bounds eliminated as with the same equations doubled, which Reduce
// leaves whole, and holds the value of the solution the system was built
// from. The systems with bounds doubled answer as the audit did before
// elimination, through a route TestSimplexAgreesWithGonum checks against
// gonum.
func TestEliminateKeepsRanges(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(17, 19))
	var compared, eliminated int
	for trial := range 300 {
		cells := 1 + rng.IntN(12)
		// Each cell: numerator, denominator, slack; then a hidden total
		// for each of at most four groups.
		vars := 3*cells + 4
		x := make([]int64, vars)
		for i := range cells {
			x[3*i+1] = rng.Int64N(15)
			x[3*i] = rng.Int64N(x[3*i+1] + 1)
			x[3*i+2] = x[3*i+1] - x[3*i]
		}
		value := func(terms []Term) (v int64) {
			for _, t := range terms {
				v += t.Coef * x[t.Var]
			}
			return v
		}
		var groups []Equation
		// Groups of the numerators and the denominators over a random
		// subset of cells, some with their total hidden (t - parts = 0).
		for g := range 2 + rng.IntN(3) {
			side := g % 2
			var terms []Term
			for i := range cells {
				if rng.IntN(2) == 0 {
					terms = append(terms, Term{3*i + side, 1})
				}
			}
			if len(terms) == 0 {
				continue
			}
			if rng.IntN(3) == 0 {
				total := 3*cells + g
				x[total] = value(terms)
				neg := []Term{{total, 1}}
				for _, t := range terms {
					neg = append(neg, Term{t.Var, -1})
				}
				groups = append(groups, Equation{Terms: neg})
				continue
			}
			groups = append(groups, Equation{Terms: terms, RHS: value(terms)})
		}
		doubled := func(k int64) []Equation {
			eqs := append([]Equation(nil), groups...)
			for i := range cells {
				eqs = append(eqs, Equation{Terms: []Term{{3 * i, k}, {3*i + 1, -k}, {3*i + 2, k}}})
			}
			return eqs
		}
		p, err := Reduce(vars, doubled(1))
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		q, err := Reduce(vars, doubled(2))
		if err != nil {
			t.Fatalf("trial %d, bounds doubled: %v", trial, err)
		}
		// A group may still give a variable (a hidden total of one
		// part), but every doubled bound must stay a row.
		kept, _ := eliminate(vars, doubled(2))
		rows := 0
		for _, eq := range kept {
			if slices.ContainsFunc(eq.Terms, func(t Term) bool { return t.Coef == 2 }) {
				rows++
			}
		}
		if rows != cells {
			t.Fatalf("trial %d: %d of %d doubled bounds kept", trial, rows, cells)
		}
		if p.expr != nil {
			eliminated++
		}
		for i := range cells {
			for _, obj := range [][]Term{{{3 * i, 1}}, {{3*i + 1, 1}}, {{3*i + 1, 1}, {3 * i, -1}}, {{3*cells + i%4, 1}}} {
				lo, hi, err := p.Range(obj)
				qlo, qhi, qerr := q.Range(obj)
				if err != nil || qerr != nil {
					if !errors.Is(err, qerr) {
						t.Fatalf("trial %d %v: %v, doubled %v", trial, obj, err, qerr)
					}
					continue
				}
				if !same(lo, qlo) || !same(hi, qhi) {
					t.Fatalf("trial %d %v: [%v, %v], doubled [%v, %v] (eqs %v)", trial, obj, lo, hi, qlo, qhi, doubled(1))
				}
				if v := float64(value(obj)); v < lo-1e-6 || v > hi+1e-6 {
					t.Fatalf("trial %d %v: [%v, %v] misses the solution's %v", trial, obj, lo, hi, v)
				}
				compared++
			}
		}
	}
	// Every trial has bounds to eliminate; the comparisons must be many.
	if eliminated < 300 || compared < 3000 {
		t.Errorf("%d trials eliminated, %d ranges compared", eliminated, compared)
	}
}

// TestEliminateLeavesOthers checks equations that only look like a
// bound: a right-hand side not 0 (a - b = 3), two coefficients of -1
// (a + c - b - d = 0), no coefficient of 1 or -1 (2a + 2c - 2b = 0).
// None is eliminated, and the first's range of a is worked by hand: a =
// b + 3, at least 3 and unbounded.
func TestEliminateLeavesOthers(t *testing.T) {
	t.Parallel()
	const a, b, c, d = 0, 1, 2, 3
	for _, eqs := range [][]Equation{
		{{Terms: []Term{{a, 1}, {b, -1}}, RHS: 3}},
		{{Terms: []Term{{a, 1}, {c, 1}, {b, -1}, {d, -1}}}},
		{{Terms: []Term{{a, 2}, {c, 2}, {b, -2}}}},
	} {
		kept, expr := eliminate(4, eqs)
		if expr != nil || len(kept) != len(eqs) {
			t.Errorf("%v: eliminated %v, kept %v", eqs, expr, kept)
		}
	}
	p, err := Reduce(4, []Equation{{Terms: []Term{{a, 1}, {b, -1}}, RHS: 3}})
	if err != nil {
		t.Fatal(err)
	}
	if lo, hi, err := p.Range([]Term{{a, 1}}); err != nil || lo != 3 || !math.IsInf(hi, 1) {
		t.Errorf("a - b = 3: a in [%v, %v] (%v), want [3, +Inf]", lo, hi, err)
	}
}
