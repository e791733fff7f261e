package audit

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestSeenWorked checks Seen on a system small enough to work by hand:
// x0 + x1 = 10 and x0 + x2 = 7, with x3 in no equation. x0 ranges over
// [0, 7]; the two solutions at its ends are (0, 10, 7) and (7, 3, 0), so
// once Range has found them x1 has been seen over [3, 10] and x2 over
// [0, 7], its whole range each; x1 - x2 is 3 in every solution, and
// x1 + x2 = 17 - 2 x0 has been seen over [3, 17]; and x3,
// free from 0 up, has no greatest value.
func TestSeenWorked(t *testing.T) {
	t.Parallel()
	p, err := Reduce(4, []Equation{
		{Terms: []Term{{0, 1}, {1, 1}}, RHS: 10},
		{Terms: []Term{{0, 1}, {2, 1}}, RHS: 7},
	})
	if err != nil {
		t.Fatal(err)
	}
	// Before any Range: the one solution phase one found.
	lo0, hi0, ok := p.Seen([]Term{{0, 1}})
	lo1, hi1, _ := p.Seen([]Term{{1, 1}})
	lo2, hi2, _ := p.Seen([]Term{{2, 1}})
	if !ok || lo0 != hi0 || lo1 != hi1 || lo2 != hi2 {
		t.Fatalf("before Range, Seen gives x0 [%g, %g], x1 [%g, %g], x2 [%g, %g] (%v), want one solution", lo0, hi0, lo1, hi1, lo2, hi2, ok)
	}
	if lo0+lo1 != 10 || lo0+lo2 != 7 || lo0 < 0 || lo1 < 0 || lo2 < 0 {
		t.Errorf("phase one's solution (%g, %g, %g) does not satisfy the equations", lo0, lo1, lo2)
	}
	if lo, hi, err := p.Range([]Term{{0, 1}}); err != nil || lo != 0 || hi != 7 {
		t.Fatalf("Range(x0) = [%g, %g], %v; want [0, 7]", lo, hi, err)
	}
	for _, tt := range []struct {
		name   string
		obj    []Term
		lo, hi float64
	}{
		{"x0", []Term{{0, 1}}, 0, 7},
		{"x1", []Term{{1, 1}}, 3, 10},
		{"x2", []Term{{2, 1}}, 0, 7},
		{"-x1", []Term{{1, -1}}, -10, -3},
		{"x1 - x2", []Term{{1, 1}, {2, -1}}, 3, 3},
		{"x0 + x2", []Term{{0, 1}, {2, 1}}, 7, 7},
		{"x1 + x2", []Term{{1, 1}, {2, 1}}, 3, 17},
		{"x0 - x2", []Term{{0, 1}, {2, -1}}, -7, 7},
		{"x3", []Term{{3, 1}}, 0, math.Inf(1)},
		{"x2 - x3", []Term{{2, 1}, {3, -1}}, math.Inf(-1), 7},
	} {
		lo, hi, ok := p.Seen(tt.obj)
		if !ok || lo != tt.lo || hi != tt.hi {
			t.Errorf("Seen(%s) = [%g, %g] (%v), want [%g, %g]", tt.name, lo, hi, ok, tt.lo, tt.hi)
		}
	}
	// A system with no equations has no solutions found.
	none, err := Reduce(2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, ok := none.Seen([]Term{{0, 1}}); ok {
		t.Error("Seen answered for a system with no equations")
	}
}

// TestSeenWithinRange checks, on random systems of the audit's shape
// (TestSimplexAgreesWithGonum's, each built from a known solution of
// whole numbers), that every solution Seen keeps satisfies the equations
// with every count at least 0, and so that the ranges it gives lie
// within those Range gives, asked in any order: the audit skips a count
// whose seen range is already wide, which is sound only if so.
func TestSeenWithinRange(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 5))
	checked := 0
	for range 1500 {
		vars, magnitude, eqs := randomSystem(rng, 1e3, 1e5, 1e7)
		p, err := Reduce(vars, eqs)
		if errors.Is(err, ErrInconsistent) {
			t.Fatalf("a system with a solution was called inconsistent: %v", eqs)
		}
		if err != nil {
			t.Fatal(err)
		}
		tol := 1e-6 * float64(magnitude)
		objectives := [][]Term{}
		for v := range vars {
			objectives = append(objectives, []Term{{v, 1}})
		}
		for range 3 {
			objectives = append(objectives, []Term{{rng.IntN(vars), 1}, {rng.IntN(vars), -1}})
		}
		rng.Shuffle(len(objectives), func(i, j int) { objectives[i], objectives[j] = objectives[j], objectives[i] })
		for _, obj := range objectives {
			rlo, rhi, err := p.Range(obj)
			if err != nil {
				continue
			}
			slo, shi, ok := p.Seen(obj)
			if !ok {
				continue
			}
			checked++
			if slo < rlo-tol || shi > rhi+tol || slo > shi {
				t.Fatalf("Seen(%v) = [%g, %g] outside Range's [%g, %g] for %v", obj, slo, shi, rlo, rhi, eqs)
			}
		}
		if len(p.seen.points) == 0 {
			continue
		}
		for pt := range slices.Chunk(p.seen.points, len(p.seen.x)) {
			for _, eq := range eqs {
				var sum float64
				for _, tm := range eq.Terms {
					if j := p.used[tm.Var]; j >= 0 {
						sum += float64(tm.Coef) * pt[j]
					}
				}
				if math.Abs(sum-float64(eq.RHS)) > tol {
					t.Fatalf("a kept solution %v gives %g for an equation whose total is %d: %v", pt, sum, eq.RHS, eqs)
				}
			}
			for j, v := range pt {
				if v < -tol {
					t.Fatalf("a kept solution has column %d at %g", j, v)
				}
			}
		}
	}
	if checked < 5000 {
		t.Errorf("only %d objectives had both a range and a seen range", checked)
	}
}

// TestRangeUnlessWorked checks RangeUnless on TestSeenWorked's system,
// where x0 ranges over [0, 7]: asked whether the range is at least 3
// wide, it stops with values at least 3 apart inside [0, 7]; asked
// whether it is at least 8 wide, which it is not, it solves in full and
// gives [0, 7]; and a free variable is wide at once.
func TestRangeUnlessWorked(t *testing.T) {
	t.Parallel()
	eqs := []Equation{
		{Terms: []Term{{0, 1}, {1, 1}}, RHS: 10},
		{Terms: []Term{{0, 1}, {2, 1}}, RHS: 7},
	}
	atLeast := func(w float64) func(lo, hi float64) bool {
		return func(lo, hi float64) bool { return hi-lo >= w }
	}
	p, err := Reduce(4, eqs)
	if err != nil {
		t.Fatal(err)
	}
	lo, hi, stopped, err := p.RangeUnless([]Term{{0, 1}}, atLeast(3))
	if err != nil || !stopped || hi-lo < 3 || lo < 0 || hi > 7 {
		t.Errorf("RangeUnless(x0, at least 3) = [%g, %g], stopped %v, %v; want values at least 3 apart within [0, 7], stopped", lo, hi, stopped, err)
	}
	p, err = Reduce(4, eqs)
	if err != nil {
		t.Fatal(err)
	}
	lo, hi, stopped, err = p.RangeUnless([]Term{{0, 1}}, atLeast(8))
	if err != nil || stopped || lo != 0 || hi != 7 {
		t.Errorf("RangeUnless(x0, at least 8) = [%g, %g], stopped %v, %v; want [0, 7], not stopped", lo, hi, stopped, err)
	}
	lo, hi, stopped, err = p.RangeUnless([]Term{{3, 1}}, atLeast(8))
	if err != nil || !stopped || lo != 0 || !math.IsInf(hi, 1) {
		t.Errorf("RangeUnless(x3, at least 8) = [%g, %g], stopped %v, %v; want [0, +Inf], stopped", lo, hi, stopped, err)
	}
}

// TestRangeUnlessAgreesWithRange checks RangeUnless against Range on
// random systems of the audit's shape, each asked whether the range is at
// least w wide for a w drawn around the true width: where it stops, its
// values lie within Range's and are at least w apart, so the range is;
// where it does not, it gives Range's range, which is then narrower than
// w or unbounded. Range is checked against gonum
// (TestSimplexAgreesWithGonum).
func TestRangeUnlessAgreesWithRange(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(13, 17))
	var stops, full int
	for range 1500 {
		vars, magnitude, eqs := randomSystem(rng, 1e3, 1e5)
		ref, err := Reduce(vars, eqs)
		if err != nil {
			t.Fatal(err)
		}
		p, err := Reduce(vars, eqs)
		if err != nil {
			t.Fatal(err)
		}
		tol := 1e-6 * float64(magnitude)
		for range 4 {
			obj := []Term{{rng.IntN(vars), 1}}
			if rng.IntN(3) == 0 {
				obj = append(obj, Term{rng.IntN(vars), -1})
			}
			rlo, rhi, err := ref.Range(obj)
			if err != nil {
				continue
			}
			w := math.Floor(rng.Float64() * 2 * float64(magnitude))
			if !math.IsInf(rhi, 1) && !math.IsInf(rlo, -1) && rng.IntN(2) == 0 {
				// Around the true width, where stopping early is hardest.
				w = math.Max(0, rhi-rlo+float64(rng.IntN(5)-2))
			}
			lo, hi, stopped, err := p.RangeUnless(obj, func(lo, hi float64) bool { return hi-lo >= w })
			if err != nil {
				t.Fatalf("RangeUnless(%v): %v where Range gave [%g, %g] for %v", obj, err, rlo, rhi, eqs)
			}
			if stopped {
				stops++
				if hi-lo < w || lo < rlo-tol || hi > rhi+tol {
					t.Fatalf("RangeUnless(%v, at least %g) stopped at [%g, %g]; Range gives [%g, %g] for %v", obj, w, lo, hi, rlo, rhi, eqs)
				}
				continue
			}
			full++
			if math.Abs(lo-rlo) > tol || math.Abs(hi-rhi) > tol && !(math.IsInf(hi, 1) && math.IsInf(rhi, 1)) {
				t.Fatalf("RangeUnless(%v, at least %g) = [%g, %g], not stopped; Range gives [%g, %g] for %v", obj, w, lo, hi, rlo, rhi, eqs)
			}
			// A finite range is asked of at its last vertex, so a wide
			// one stops there at the latest; an unbounded one ends when
			// the simplex finds no bound, without asking.
			if !math.IsInf(rhi, 1) && rhi-rlo >= w+tol {
				t.Fatalf("RangeUnless(%v, at least %g) did not stop on a range [%g, %g] that is", obj, w, rlo, rhi)
			}
		}
	}
	if stops < 500 || full < 500 {
		t.Errorf("%d ranges stopped early and %d solved in full: too few of one to tell", stops, full)
	}
}

// TestRangeUnlessWithoutFloatBasis checks that where the float phase one
// finds no basis (here made to find none), so that the exact simplex or
// gonum answers, nothing is seen and RangeUnless never stops: it gives
// Range's range, [0, 7] for TestSeenWorked's x0.
func TestRangeUnlessWithoutFloatBasis(t *testing.T) {
	t.Parallel()
	p, err := reduce(4, []Equation{
		{Terms: []Term{{0, 1}, {1, 1}}, RHS: 10},
		{Terms: []Term{{0, 1}, {2, 1}}, RHS: 7},
	}, func(*mat.Dense, []float64) *tableau { return nil }, exactBudget)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, ok := p.Seen([]Term{{0, 1}}); ok {
		t.Error("Seen answered with no float basis")
	}
	lo, hi, stopped, err := p.RangeUnless([]Term{{0, 1}}, func(lo, hi float64) bool { return hi-lo >= 1 })
	if err != nil || stopped || lo != 0 || hi != 7 {
		t.Errorf("RangeUnless(x0) = [%g, %g], stopped %v, %v; want [0, 7], not stopped", lo, hi, stopped, err)
	}
}

// randomSystem returns a random system of the audit's shape (as
// TestSimplexAgreesWithGonum's): up to six equations of terms +1 or -1
// over 2 to 15 counts, built from a known solution of whole numbers at
// least 0, some of them 0, below a magnitude of 20 or one of those given,
// which it also returns.
func randomSystem(rng *rand.Rand, magnitudes ...int64) (vars int, magnitude int64, eqs []Equation) {
	vars = 2 + rng.IntN(14)
	magnitudes = append([]int64{20}, magnitudes...)
	magnitude = magnitudes[rng.IntN(len(magnitudes))]
	x := make([]int64, vars)
	for i := range x {
		if rng.IntN(4) > 0 {
			x[i] = rng.Int64N(magnitude)
		}
	}
	for range 1 + rng.IntN(6) {
		var eq Equation
		for range 1 + rng.IntN(vars) {
			c := int64(1)
			if rng.IntN(3) == 0 {
				c = -1
			}
			eq.Terms = append(eq.Terms, Term{rng.IntN(vars), c})
		}
		for _, t := range eq.Terms {
			eq.RHS += t.Coef * x[t.Var]
		}
		eqs = append(eqs, eq)
	}
	return vars, magnitude, eqs
}
