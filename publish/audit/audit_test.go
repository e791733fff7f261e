package audit

import (
	"errors"
	"math"
	"testing"
)

// TestRange checks bounds worked by hand on small systems of totals and
// parts (variables a=0, b=1, c=2, d=3).
func TestRange(t *testing.T) {
	t.Parallel()
	const a, b, c, d = 0, 1, 2, 3
	sum := func(rhs int64, vars ...int) Equation {
		eq := Equation{RHS: rhs}
		for _, v := range vars {
			eq.Terms = append(eq.Terms, Term{v, 1})
		}
		return eq
	}
	inf := math.Inf(1)
	tests := []struct {
		Name   string
		Eqs    []Equation
		Obj    []Term
		Lo, Hi float64
	}{
		// Two hidden parts of a total whose parts shown leave 10.
		{"a + b = 10: a", []Equation{sum(10, a, b)}, []Term{{a, 1}}, 0, 10},
		// b + c = 2 caps b at 2, so a = 10 - b is at least 8.
		{"a + b = 10, b + c = 2: a", []Equation{sum(10, a, b), sum(2, b, c)}, []Term{{a, 1}}, 8, 10},
		{"a + b = 10, b + c = 2: b", []Equation{sum(10, a, b), sum(2, b, c)}, []Term{{b, 1}}, 0, 2},
		// Hidden cells that sum to 0 are each 0.
		{"a + b = 0: a", []Equation{sum(0, a, b)}, []Term{{a, 1}}, 0, 0},
		// A hidden total a and a hidden part b: a - b = 3, a unbounded above.
		{"a - b = 3: a", []Equation{{Terms: []Term{{a, 1}, {b, -1}}, RHS: 3}}, []Term{{a, 1}}, 3, inf},
		// No equation holds c.
		{"c free", []Equation{sum(10, a, b)}, []Term{{c, 1}}, 0, inf},
		// A 2x2 block: rows a+b=5, c+d=7, columns a+c=6, b+d=6. With a = t:
		// b = 5-t, c = 6-t, d = 1+t, all at least 0 for t in [0, 5].
		{"block: a", []Equation{sum(5, a, b), sum(7, c, d), sum(6, a, c), sum(6, b, d)}, []Term{{a, 1}}, 0, 5},
		{"block: d", []Equation{sum(5, a, b), sum(7, c, d), sum(6, a, c), sum(6, b, d)}, []Term{{d, 1}}, 1, 6},
		// The same equation twice is one equation.
		{"repeated", []Equation{sum(10, a, b), sum(10, a, b)}, []Term{{b, 1}}, 0, 10},
		// A complement: d - a where a + b = 4 and d = a + c with c + b = 6
		// (d - a = c = 6 - b, b in [0, 4]): 2 to 6.
		{"difference", []Equation{sum(4, a, b), {Terms: []Term{{d, 1}, {a, -1}, {c, -1}}}, sum(6, c, b)},
			[]Term{{d, 1}, {a, -1}}, 2, 6},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			t.Parallel()
			for _, r := range routes(t, 4, tt.Eqs) {
				lo, hi, err := r.p.Range(tt.Obj)
				if err != nil {
					t.Fatalf("%s: %v", r.name, err)
				}
				if math.Abs(lo-tt.Lo) > 1e-6 || (math.IsInf(tt.Hi, 1) != math.IsInf(hi, 1)) || (!math.IsInf(hi, 1) && math.Abs(hi-tt.Hi) > 1e-6) {
					t.Errorf("%s: range = [%v, %v], want [%v, %v]", r.name, lo, hi, tt.Lo, tt.Hi)
				}
			}
		})
	}
}

// A route is a Problem made to answer by one of the ways Range can take.
type route struct {
	name string
	p    *Problem
}

// routes reduces eqs and returns the system three times over: as Reduce
// leaves it (the float tableau, in the common case); with the float phase
// one claiming infeasible, so the exact simplex must overturn or confirm
// the claim and then answer every objective; and with no feasible basis,
// so gonum answers, its verdicts of infeasible and unbounded and its
// failures checked exactly. Each must give the same, hand-worked, answer.
func routes(t *testing.T, vars int, eqs []Equation) []route {
	t.Helper()
	p, err := Reduce(vars, eqs)
	if err != nil {
		t.Fatalf("Reduce: %v", err)
	}
	exact, err := reduce(vars, eqs, claimInfeasible, exactBudget)
	if err != nil {
		t.Fatalf("reduce: %v", err)
	}
	if exact.a != nil && exact.exact == nil && !exact.infeasible {
		t.Fatalf("the exact simplex did not decide: %v", exact.exactErr)
	}
	if exact.exact != nil {
		if err := checkWitness(exact, eqs); err != nil {
			t.Fatalf("the exact simplex's feasible basis: %v", err)
		}
	}
	gonum := *p
	gonum.start, gonum.exact, gonum.exactErr, gonum.infeasible = nil, nil, nil, false
	return []route{{"tableau", p}, {"exact", exact}, {"gonum", &gonum}}
}

// TestReduceInconsistent checks that contradictory totals are reported
// rather than bounded.
func TestReduceInconsistent(t *testing.T) {
	t.Parallel()
	_, err := Reduce(2, []Equation{{Terms: []Term{{0, 1}, {1, 1}}, RHS: 10}, {Terms: []Term{{0, 1}, {1, 1}}, RHS: 11}})
	if !errors.Is(err, ErrInconsistent) {
		t.Errorf("Reduce = %v, want ErrInconsistent", err)
	}
	// Consistent equations whose counts would have to be negative.
	for _, r := range routes(t, 2, []Equation{{Terms: []Term{{0, 1}, {1, 1}}, RHS: -3}}) {
		if _, _, err := r.p.Range([]Term{{0, 1}}); !errors.Is(err, ErrInconsistent) {
			t.Errorf("%s: Range = %v, want ErrInconsistent", r.name, err)
		}
	}
}

// TestTinyPivotIsNotUnbounded is 10,000,000,000 a + b = 3: b lies in
// [0, 3] (a = 0 gives 3; b = 0 gives a = 3e-10). After reduction the
// entry of b in the tableau is 1e-10, below the pivot tolerance; taking
// its column as unbounded would report b in [0, +Inf] and so never narrow.
func TestTinyPivotIsNotUnbounded(t *testing.T) {
	p, err := Reduce(2, []Equation{{Terms: []Term{{Var: 0, Coef: 10_000_000_000}, {Var: 1, Coef: 1}}, RHS: 3}})
	if err != nil {
		t.Fatal(err)
	}
	lo, hi, err := p.Range([]Term{{Var: 1, Coef: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(lo) > 1e-6 || math.Abs(hi-3) > 1e-6 {
		t.Errorf("range of b = [%g, %g], want [0, 3]", lo, hi)
	}
}
