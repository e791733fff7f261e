package audit

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/optimize/convex/lp"
)

// TestSimplexAgreesWithGonum checks every route Range can take (the dense
// tableau of simplex.go, the exact simplex of exact.go, gonum's simplex
// with its verdicts checked) against a truth and against gonum's
// lp.Simplex, an independent implementation, on random systems of the
// audit's shape: totals less parts over counts of at least 0, with counts
// from a few up to ten million, and rows that differ from each other in a
// term or two (nearly parallel, where floating point errs). Each system
// is built from a known solution x* of whole numbers at least 0, so every
// verdict must be feasible and every range must hold x*'s value; the
// exact simplex's feasible basis must satisfy the equations as given; and
// where gonum answers, it must agree. One system in ten has its
// right-hand sides moved, so that it may contradict itself; then the
// routes must agree with each other.
func TestSimplexAgreesWithGonum(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 11))
	var solved, infeasible, unbounded, gonumWrong, systems, floatMissed int
	for trial := range 3000 {
		vars := 2 + rng.IntN(14)
		// A solution of whole numbers, some zero, so that the systems are
		// degenerate as the audit's often are.
		magnitude := []int64{20, 20, 1e3, 1e4, 1e5, 1e6, 1e7}[rng.IntN(7)]
		x := make([]int64, vars)
		for i := range x {
			if rng.IntN(4) > 0 {
				x[i] = rng.Int64N(magnitude)
			}
		}
		term := func() Term {
			c := int64(1)
			if rng.IntN(3) == 0 {
				c = -1
			}
			return Term{rng.IntN(vars), c}
		}
		var base []Term
		for v := range vars {
			if rng.IntN(3) == 0 {
				base = append(base, Term{v, 1})
			}
		}
		var eqs []Equation
		for range 1 + rng.IntN(6) {
			var eq Equation
			if len(base) > 0 && rng.IntN(2) == 0 {
				// Nearly parallel: the base row and a term or two.
				eq.Terms = append(eq.Terms, base...)
				for range 1 + rng.IntN(2) {
					eq.Terms = append(eq.Terms, term())
				}
			} else {
				for range 1 + rng.IntN(vars) {
					eq.Terms = append(eq.Terms, term())
				}
			}
			for _, t := range eq.Terms {
				eq.RHS += t.Coef * x[t.Var]
			}
			eqs = append(eqs, eq)
		}
		moved := trial%10 == 0
		if moved {
			for i := range eqs {
				eqs[i].RHS -= rng.Int64N(30)
			}
		}
		p, err := Reduce(vars, eqs)
		if errors.Is(err, ErrInconsistent) && moved {
			continue
		}
		if err != nil {
			t.Fatalf("trial %d: %v (eqs %v)", trial, err, eqs)
		}
		if !moved && p.a != nil {
			// The float tableau should decide the common case alone.
			systems++
			if p.start == nil {
				floatMissed++
			}
		}
		rs := routes(t, vars, eqs)
		objectives := [][]Term{{{0, 1}}, {{vars - 1, 1}}, {{0, 1}, {1, -1}}, {{vars / 2, 1}, {0, 1}}}
		for _, obj := range objectives {
			var truth float64
			for _, t := range obj {
				truth += float64(t.Coef * x[t.Var])
			}
			lo, hi, err := p.Range(obj)
			if errors.Is(err, ErrInconsistent) && !moved {
				t.Fatalf("trial %d %v: inconsistent, but x* = %v solves it (eqs %v)", trial, obj, x, eqs)
			}
			for _, r := range rs[1:] {
				rlo, rhi, rerr := r.p.Range(obj)
				if (err == nil) != (rerr == nil) || (err != nil && !(errors.Is(err, ErrInconsistent) && errors.Is(rerr, ErrInconsistent))) {
					t.Fatalf("trial %d %v: tableau %v, %s %v (eqs %v)", trial, obj, err, r.name, rerr, eqs)
				}
				if err == nil && (!same(lo, rlo) || !same(hi, rhi)) {
					t.Fatalf("trial %d %v: tableau [%v, %v], %s [%v, %v] (eqs %v)", trial, obj, lo, hi, r.name, rlo, rhi, eqs)
				}
			}
			if err != nil {
				infeasible++
				continue
			}
			if !moved && (truth < lo-1e-6 || truth > hi+1e-6) {
				t.Fatalf("trial %d %v: range [%v, %v] misses x*'s %v (eqs %v)", trial, obj, lo, hi, truth, eqs)
			}
			// gonum itself, unchecked: where it answers, it must agree.
			for _, sign := range []float64{1, -1} {
				if p.a == nil {
					break
				}
				_, cols := p.a.Dims()
				c := make([]float64, cols)
				free := false
				terms, err := p.expand(obj)
				if err != nil {
					t.Fatal(err)
				}
				for _, t := range terms {
					if j := p.used[t.Var]; j >= 0 {
						c[j] += sign * float64(t.Coef)
					} else {
						free = true
					}
				}
				if free {
					continue
				}
				f, gerr := gonumSimplex(c, p.a, p.b)
				want := lo
				if sign < 0 {
					f, want = -f, hi
				}
				switch {
				case errors.Is(gerr, lp.ErrInfeasible):
					gonumWrong++
				case errors.Is(gerr, lp.ErrUnbounded):
					if !math.IsInf(want, int(-sign)) {
						t.Fatalf("trial %d %v: gonum unbounded, range [%v, %v]", trial, obj, lo, hi)
					}
				case gerr == nil && !same(f, want):
					t.Fatalf("trial %d %v: gonum %v, range [%v, %v] (eqs %v)", trial, obj, f, lo, hi, eqs)
				}
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
	t.Logf("solved %d, infeasible %d, unbounded %d; gonum alone called %d feasible programmes infeasible", solved, infeasible, unbounded, gonumWrong)
	// The exact simplex would answer them all correctly, but slowly: the
	// float tableau must still decide nearly every feasible system.
	if floatMissed > systems/100 {
		t.Errorf("the float phase one found no basis for %d of %d feasible systems", floatMissed, systems)
	}
}

// same reports whether two bounds agree: equal infinities, or within the
// 1e-6 the caller allows for rounding when it rounds bounds inwards to
// whole numbers, even for counts of ten million.
func same(a, b float64) bool {
	return (math.IsInf(a, 0) && a == b) || math.Abs(a-b) <= 1e-6
}

// TestFeasibleLargeCounts checks the verdict on systems of counts in the
// millions, where rounding in the tableau reaches a whole unit, by every
// route Range can take. Worked by hand: a + b = 10,000,000 and
// a + b + c = 9,999,999 force c = -1, which no count can be, so the
// equations contradict each other (exactly, whatever a float solver
// says); with 10,000,001 instead, c is exactly 1 and a anything from 0 to
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
	for _, r := range routes(t, 3, eqs(9_999_999)) {
		for _, v := range []int{a, b, c} {
			if _, _, err := r.p.Range([]Term{{v, 1}}); !errors.Is(err, ErrInconsistent) {
				t.Errorf("c = -1, %s, variable %d: got %v, want ErrInconsistent", r.name, v, err)
			}
		}
	}
	for _, r := range routes(t, 3, eqs(10_000_001)) {
		for _, tt := range []struct {
			v      int
			lo, hi float64
		}{{c, 1, 1}, {a, 0, 10_000_000}, {b, 0, 10_000_000}} {
			lo, hi, err := r.p.Range([]Term{{tt.v, 1}})
			if err != nil || math.Abs(lo-tt.lo) > 1e-6 || math.Abs(hi-tt.hi) > 1e-6 {
				t.Errorf("c = 1, %s, variable %d: got [%v, %v] %v, want [%v, %v]", r.name, tt.v, lo, hi, err, tt.lo, tt.hi)
			}
		}
	}
}
