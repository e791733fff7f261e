package audit

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// TestSimplexAgreesWithGonum checks the dense tableau (simplex.go) against
// gonum's lp.Simplex, an independent implementation, on random systems of
// the audit's shape: totals less parts over counts of at least 0, some
// made to contradict themselves. Every least and greatest value, and
// every verdict of infeasible or unbounded, must agree.
func TestSimplexAgreesWithGonum(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 11))
	var solved, infeasible, unbounded int
	for trial := range 3000 {
		vars := 2 + rng.IntN(14)
		// A solution of whole numbers, mostly small, some zero, so that
		// the systems are degenerate as the audit's often are.
		x := make([]int64, vars)
		for i := range x {
			if rng.IntN(4) > 0 {
				x[i] = rng.Int64N(20)
			}
		}
		var eqs []Equation
		for range 1 + rng.IntN(6) {
			var eq Equation
			for v := range vars {
				if rng.IntN(3) == 0 {
					c := int64(1)
					if rng.IntN(3) == 0 {
						c = -1
					}
					eq.Terms = append(eq.Terms, Term{v, c})
					eq.RHS += c * x[v]
				}
			}
			if len(eq.Terms) == 0 {
				continue
			}
			if trial%10 == 0 {
				// Consistent as linear equations, perhaps not with
				// counts of at least 0.
				eq.RHS -= rng.Int64N(30)
			}
			eqs = append(eqs, eq)
		}
		p, err := Reduce(vars, eqs)
		if errors.Is(err, ErrInconsistent) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if p.a != nil && p.start == nil && !p.infeasible {
			t.Errorf("trial %d: phase one did not converge", trial)
			continue
		}
		ref := *p
		ref.start, ref.infeasible = nil, false
		objectives := [][]Term{{{0, 1}}, {{vars - 1, 1}}, {{0, 1}, {1, -1}}, {{vars / 2, 1}, {0, 1}}}
		for _, obj := range objectives {
			lo, hi, err := p.Range(obj)
			wlo, whi, werr := ref.Range(obj)
			if (err == nil) != (werr == nil) || (err != nil && !(errors.Is(err, ErrInconsistent) && errors.Is(werr, ErrInconsistent))) {
				t.Fatalf("trial %d %v: err = %v, gonum %v (eqs %v)", trial, obj, err, werr, eqs)
			}
			if err != nil {
				infeasible++
				continue
			}
			same := func(a, b float64) bool {
				return (math.IsInf(a, 0) && a == b) || math.Abs(a-b) <= 1e-6*max(1, math.Abs(b))
			}
			if !same(lo, wlo) || !same(hi, whi) {
				t.Fatalf("trial %d %v: range [%v, %v], gonum [%v, %v] (eqs %v)", trial, obj, lo, hi, wlo, whi, eqs)
			}
			if math.IsInf(hi, 1) {
				unbounded++
			}
			solved++
		}
	}
	// The trials must exercise every outcome, or the test proves little.
	if solved < 1000 || infeasible == 0 || unbounded == 0 {
		t.Errorf("solved %d, infeasible %d, unbounded %d: the random systems miss a case", solved, infeasible, unbounded)
	}
	t.Logf("solved %d, infeasible %d, unbounded %d", solved, infeasible, unbounded)
}

// TestFeasibleLargeCounts checks the verdict on systems of counts in the
// millions, where rounding in the tableau reaches a whole unit. Worked by
// hand: a + b = 10,000,000 and a + b + c = 9,999,999 force c = -1, which no
// count can be, so the equations contradict each other (as gonum says);
// with 10,000,001 instead, c is exactly 1 and a anything from 0 to
// 10,000,000.
func TestFeasibleLargeCounts(t *testing.T) {
	t.Parallel()
	const a, b, c = 0, 1, 2
	eqs := func(rhs int64) []Equation {
		return []Equation{
			{Terms: []Term{{a, 1}, {b, 1}}, RHS: 10_000_000},
			{Terms: []Term{{a, 1}, {b, 1}, {c, 1}}, RHS: rhs},
		}
	}
	p, err := Reduce(3, eqs(9_999_999))
	if err == nil {
		_, _, err = p.Range([]Term{{c, 1}})
	}
	if !errors.Is(err, ErrInconsistent) {
		t.Errorf("c = -1: got %v, want ErrInconsistent", err)
	}
	p, err = Reduce(3, eqs(10_000_001))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		v      int
		lo, hi float64
	}{{c, 1, 1}, {a, 0, 10_000_000}} {
		lo, hi, err := p.Range([]Term{{tt.v, 1}})
		if err != nil || math.Abs(lo-tt.lo) > 1e-6 || math.Abs(hi-tt.hi) > 1e-6 {
			t.Errorf("variable %d: got [%v, %v] %v, want [%v, %v]", tt.v, lo, hi, err, tt.lo, tt.hi)
		}
	}
}
