package audit

import (
	"errors"
	"math"
	"math/rand/v2"
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
// (largeGroup's shape, with hidden totals of their hidden members and
// members in two groups), that every range is the same with the
// variables equations give substituted out as without (the tableau as it
// was before eliminate, which TestSimplexAgreesWithGonum checks against
// gonum), and holds the value of the solution the system was built from.
func TestEliminateKeepsRanges(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(17, 19))
	var compared, eliminated, totals int
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
		var eqs []Equation
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
				eqs = append(eqs, Equation{Terms: neg})
				totals++
				continue
			}
			eqs = append(eqs, Equation{Terms: terms, RHS: value(terms)})
		}
		for i := range cells {
			eqs = append(eqs, Equation{Terms: []Term{{3 * i, 1}, {3*i + 1, -1}, {3*i + 2, 1}}})
		}
		p, err := Reduce(vars, eqs)
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		q, err := reduceSubstituting(vars, eqs, feasible, exactBudget, false)
		if err != nil {
			t.Fatalf("trial %d, nothing substituted: %v", trial, err)
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
						t.Fatalf("trial %d %v: %v, nothing substituted %v", trial, obj, err, qerr)
					}
					continue
				}
				if !same(lo, qlo) || !same(hi, qhi) {
					t.Fatalf("trial %d %v: [%v, %v], nothing substituted [%v, %v] (eqs %v)", trial, obj, lo, hi, qlo, qhi, eqs)
				}
				if v := float64(value(obj)); v < lo-1e-6 || v > hi+1e-6 {
					t.Fatalf("trial %d %v: [%v, %v] misses the solution's %v", trial, obj, lo, hi, v)
				}
				compared++
			}
		}
	}
	// Every trial has bounds to eliminate, and many hidden totals.
	if eliminated < 300 || totals < 100 || compared < 3000 {
		t.Errorf("%d trials eliminated, %d hidden totals, %d ranges compared", eliminated, totals, compared)
	}
}

// TestEliminateCoefficients checks, by every route, ranges worked by hand
// where an equation gives a variable with coefficients other than 1, or
// with one term, and where a coefficient too large leaves it alone.
// Variables v, a, b, c are 0-3.
//   - v = 2a + b (-v + 2a + b = 0) and 3v + c = 7: 3v <= 7, so v is 0 to
//     7/3; 6a + 3b + c = 7, so a is 0 to 7/6 and c 0 to 7.
//   - v = a (-v + a = 0, a variable given by one other) and a + b = 5: v
//     is 0 to 5.
//   - v = (2^20 + 1) a, a coefficient over maxImpliedCoef, with v + b =
//     10: not substituted; v is 0 to 10 and a 0 to 10 / (2^20 + 1).
func TestEliminateCoefficients(t *testing.T) {
	t.Parallel()
	const v, a, b, c = 0, 1, 2, 3
	big := int64(maxImpliedCoef + 1)
	tests := []struct {
		Name        string
		Eqs         []Equation
		Substituted bool
		Obj         []Term
		Lo, Hi      float64
	}{
		{"v = 2a + b: v", []Equation{{Terms: []Term{{v, -1}, {a, 2}, {b, 1}}}, {Terms: []Term{{v, 3}, {c, 1}}, RHS: 7}}, true, []Term{{v, 1}}, 0, 7.0 / 3},
		{"v = 2a + b: a", []Equation{{Terms: []Term{{v, -1}, {a, 2}, {b, 1}}}, {Terms: []Term{{v, 3}, {c, 1}}, RHS: 7}}, true, []Term{{a, 1}}, 0, 7.0 / 6},
		{"v = 2a + b: c", []Equation{{Terms: []Term{{v, -1}, {a, 2}, {b, 1}}}, {Terms: []Term{{v, 3}, {c, 1}}, RHS: 7}}, true, []Term{{c, 1}}, 0, 7},
		{"v = a: v", []Equation{{Terms: []Term{{v, -1}, {a, 1}}}, {Terms: []Term{{a, 1}, {b, 1}}, RHS: 5}}, true, []Term{{v, 1}}, 0, 5},
		{"v = big a: v", []Equation{{Terms: []Term{{v, -1}, {a, big}}}, {Terms: []Term{{v, 1}, {b, 1}}, RHS: 10}}, false, []Term{{v, 1}}, 0, 10},
		{"v = big a: a", []Equation{{Terms: []Term{{v, -1}, {a, big}}}, {Terms: []Term{{v, 1}, {b, 1}}, RHS: 10}}, false, []Term{{a, 1}}, 0, 10 / float64(big)},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			t.Parallel()
			if _, expr := eliminate(4, tt.Eqs); (expr != nil && expr[v] != nil) != tt.Substituted {
				t.Errorf("v substituted: %v, want %v", expr != nil && expr[v] != nil, tt.Substituted)
			}
			for _, r := range routes(t, 4, tt.Eqs) {
				lo, hi, err := r.p.Range(tt.Obj)
				if err != nil {
					t.Fatalf("%s: %v", r.name, err)
				}
				if math.Abs(lo-tt.Lo) > 1e-9 || math.Abs(hi-tt.Hi) > 1e-9 {
					t.Errorf("%s: range = [%v, %v], want [%v, %v]", r.name, lo, hi, tt.Lo, tt.Hi)
				}
			}
		})
	}
}

// TestEliminateBoundsCoefficients checks that a chain of substitutions
// whose coefficients would multiply past maxCoef stops before they do:
// w = K v, v = K u, u = K y, y = K z with K = 2^20 would make w = 2^80 z,
// which wraps to 0 in int64, and w would come out fixed at 0. With z + b
// = 1 (z at most 1), w is truly 0 to 2^80, unbounded as far as a count's
// range goes; every route must say at least 2^40.
func TestEliminateBoundsCoefficients(t *testing.T) {
	t.Parallel()
	const w, v, u, y, z, b = 0, 1, 2, 3, 4, 5
	const k = maxImpliedCoef
	eqs := []Equation{
		{Terms: []Term{{w, -1}, {v, k}}}, {Terms: []Term{{v, -1}, {u, k}}},
		{Terms: []Term{{u, -1}, {y, k}}}, {Terms: []Term{{y, -1}, {z, k}}},
		{Terms: []Term{{z, 1}, {b, 1}}, RHS: 1},
	}
	_, expr := eliminate(6, eqs)
	for i, e := range expr {
		for _, t2 := range e {
			if t2.Coef > maxCoef || t2.Coef < -maxCoef {
				t.Errorf("variable %d's expression holds %v, over maxCoef", i, t2)
			}
		}
	}
	p, err := Reduce(6, eqs)
	if err != nil {
		t.Fatal(err)
	}
	lo, hi, err := p.Range([]Term{{w, 1}})
	if err != nil || lo != 0 || hi < 1<<40 {
		t.Errorf("w in [%v, %v] (%v), want from 0 to at least 2^40", lo, hi, err)
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
