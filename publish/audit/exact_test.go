package audit

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"
)

// claimInfeasible stands in for the float phase one, claiming that no
// counts satisfy the equations whatever they are.
func claimInfeasible(*mat.Dense, []float64) *tableau { return nil }

// forcedZero is a system of the kind the audit must get right and gonum
// gets wrong: a + b = 6,236,205, c + d = 1,007 and a + d = 6,237,212.
// Worked by hand: the first two give a + d = 6,237,212 - b - c, so the
// third says b + c = 0, and with counts at least 0, b = c = 0, a =
// 6,236,205 and d = 1,007, each exactly: a group of hidden cells forced to
// 0, the very disclosure the audit exists to find. gonum's simplex calls
// these equations infeasible, which the caller would take as saying
// nothing about the cells.
var forcedZero = []Equation{
	{Terms: []Term{{0, 1}, {1, 1}}, RHS: 6_236_205},
	{Terms: []Term{{2, 1}, {3, 1}}, RHS: 1_007},
	{Terms: []Term{{0, 1}, {3, 1}}, RHS: 6_237_212},
}

// TestInfeasibleIsChecked checks that no float verdict of infeasible is
// believed unchecked: on forcedZero, with the float phase one made to
// claim infeasible (route "exact") and with gonum answering (route
// "gonum"), every range must be the hand-worked single value. Without the
// exact check the first route returns ErrInconsistent at once, and the
// second as soon as gonum does.
func TestInfeasibleIsChecked(t *testing.T) {
	t.Parallel()
	// That gonum really errs here is what makes route "gonum" a test of
	// the check; if a new gonum solves it, find another such system.
	p, err := Reduce(4, forcedZero)
	if err != nil {
		t.Fatal(err)
	}
	_, cols := p.a.Dims()
	c := make([]float64, cols)
	c[p.used[1]] = 1
	if _, err := gonumSimplex(c, p.a, p.b); !errors.Is(err, lp.ErrInfeasible) {
		t.Errorf("gonum on forcedZero: %v, want lp.ErrInfeasible (the case no longer tests the check of gonum's verdict)", err)
	}
	tests := []struct {
		Name   string
		Obj    []Term
		Lo, Hi float64
	}{
		{"a", []Term{{0, 1}}, 6_236_205, 6_236_205},
		{"b", []Term{{1, 1}}, 0, 0},
		{"c", []Term{{2, 1}}, 0, 0},
		{"d", []Term{{3, 1}}, 1_007, 1_007},
		{"b + c", []Term{{1, 1}, {2, 1}}, 0, 0},
		{"a - d", []Term{{0, 1}, {3, -1}}, 6_235_198, 6_235_198},
	}
	for _, r := range routes(t, 4, forcedZero) {
		for _, tt := range tests {
			lo, hi, err := r.p.Range(tt.Obj)
			if err != nil || lo != tt.Lo || hi != tt.Hi {
				t.Errorf("%s, %s: got [%v, %v] %v, want [%v, %v]", r.name, tt.Name, lo, hi, err, tt.Lo, tt.Hi)
			}
		}
	}
}

// TestGonumVerdictsAreChecked checks that every verdict of gonum's that
// is not a value, each of which would decide a cell is not narrow or fail
// its audit, goes to the exact simplex: with gonum replaced by a stand-in
// that gives one such verdict on every programme, forcedZero's ranges
// must still be the hand-worked single values. Without the check, the
// stand-in's verdict would come back as the answer.
func TestGonumVerdictsAreChecked(t *testing.T) {
	t.Parallel()
	for _, verdict := range []error{lp.ErrInfeasible, lp.ErrUnbounded, lp.ErrSingular, lp.ErrZeroColumn} {
		p, err := Reduce(4, forcedZero)
		if err != nil {
			t.Fatal(err)
		}
		p.start = nil
		p.gonum = func([]float64, *mat.Dense, []float64) (float64, error) { return 0, verdict }
		for v, want := range []float64{6_236_205, 0, 0, 1_007} {
			lo, hi, err := p.Range([]Term{{v, 1}})
			if err != nil || lo != want || hi != want {
				t.Errorf("gonum says %v, variable %d: got [%v, %v] %v, want [%v, %v]", verdict, v, lo, hi, err, want, want)
			}
		}
	}
}

// TestExactBudget checks that the exact simplex gives up, as a solver
// failure and not a verdict, when a system needs more work than its
// budget: a pathological system must end the audit of its cells as
// narrow (ErrSolver), never as inconsistent, and never hang.
func TestExactBudget(t *testing.T) {
	t.Parallel()
	p, err := reduce(4, forcedZero, claimInfeasible, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(p.exactErr, ErrSolver) {
		t.Fatalf("exact phase one with a budget of 1: %v, want ErrSolver", p.exactErr)
	}
	// gonum then answers, and its verdict of infeasible cannot be
	// confirmed.
	_, _, err = p.Range([]Term{{1, 1}})
	if !errors.Is(err, ErrSolver) || errors.Is(err, ErrInconsistent) {
		t.Errorf("Range = %v, want ErrSolver", err)
	}
}

// TestExactFrechet checks every route on a table of counts in the
// millions with every cell hidden and its row and column totals
// published. The least and greatest value of cell (i, j) are then the
// Fréchet bounds, max(0, R_i + C_j - N) and min(R_i, C_j), for row total
// R_i, column total C_j and grand total N: a classical result for two-way
// tables, whose equations are totally unimodular, not the code's output.
func TestExactFrechet(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(13, 17))
	const rows, cols = 6, 5
	x := make([][]int64, rows)
	var rowSum, colSum [rows + cols]int64
	var total int64
	for i := range x {
		x[i] = make([]int64, cols)
		for j := range x[i] {
			if rng.IntN(4) > 0 {
				x[i][j] = rng.Int64N(10_000_000)
			}
			rowSum[i] += x[i][j]
			colSum[j] += x[i][j]
			total += x[i][j]
		}
	}
	var eqs []Equation
	for i := range rows {
		eq := Equation{RHS: rowSum[i]}
		for j := range cols {
			eq.Terms = append(eq.Terms, Term{i*cols + j, 1})
		}
		eqs = append(eqs, eq)
	}
	for j := range cols {
		eq := Equation{RHS: colSum[j]}
		for i := range rows {
			eq.Terms = append(eq.Terms, Term{i*cols + j, 1})
		}
		eqs = append(eqs, eq)
	}
	for _, r := range routes(t, rows*cols, eqs) {
		for _, cell := range [][2]int{{0, 0}, {2, 3}, {5, 4}} {
			i, j := cell[0], cell[1]
			lo, hi, err := r.p.Range([]Term{{i*cols + j, 1}})
			wlo := float64(max(0, rowSum[i]+colSum[j]-total))
			whi := float64(min(rowSum[i], colSum[j]))
			if err != nil || math.Abs(lo-wlo) > 1e-6*max(1, wlo) || math.Abs(hi-whi) > 1e-6*max(1, whi) {
				t.Errorf("%s, cell %v: got [%v, %v] %v, want [%v, %v]", r.name, cell, lo, hi, err, wlo, whi)
			}
		}
	}
}

// checkWitness checks the exact simplex's verdict of feasible against
// the equations as given, not as reduced: the basic solution of p.exact,
// mapped back to p's variables (those eliminated through their
// expressions), must satisfy every equation exactly, with every count at
// least 0.
func checkWitness(p *Problem, eqs []Equation) error {
	if p.exact == nil {
		return errors.New("no exact basis")
	}
	x := make([]*big.Rat, p.vars)
	for v := range x {
		x[v] = new(big.Rat)
	}
	col := make(map[int]int)
	for v, j := range p.used {
		if j >= 0 {
			col[j] = v
		}
	}
	for i, j := range p.exact.basis {
		v, ok := col[j]
		if !ok {
			return fmt.Errorf("basic column %d is no variable's", j)
		}
		x[v].Set(p.exact.t[i][p.exact.n])
		if x[v].Sign() < 0 {
			return fmt.Errorf("variable %d = %v, below 0", v, x[v])
		}
	}
	// A variable eliminated (eliminate.go) takes its expression's value;
	// the expressions hold only variables not eliminated.
	for v, e := range p.expr {
		for _, t := range e {
			x[v].Add(x[v], new(big.Rat).Mul(x[t.Var], big.NewRat(t.Coef, 1)))
		}
	}
	for k, eq := range eqs {
		sum := new(big.Rat)
		for _, t := range eq.Terms {
			sum.Add(sum, new(big.Rat).Mul(x[t.Var], big.NewRat(t.Coef, 1)))
		}
		if sum.Cmp(big.NewRat(eq.RHS, 1)) != 0 {
			return fmt.Errorf("equation %d: %v, want %d", k, sum, eq.RHS)
		}
	}
	return nil
}

// TestInconsistentLargeCounts checks, by every route, systems of counts in
// the millions that no counts of at least 0 satisfy, though they are
// consistent as linear equations, each off by one unit, which rounding
// could hide. Worked by hand:
//   - a + b = 10,000,000 and a - c = 10,000,001 give a = 10,000,001 + c,
//     at least 10,000,001, but a + b leaves a at most 10,000,000;
//   - a + b + c = 5,000,000 and a + b + c + d + e = 4,999,999 (a total and
//     a wider total, nearly parallel) give d + e = -1;
//   - a + b = 7,000,000, b + c = 3,000,000 and a + c = 3,999,999 sum to
//     2(a + b + c) = 13,999,999, so c = 6,999,999.5 - 7,000,000 = -1/2.
//
// Each is infeasible whatever the objective, so every variable's range,
// even one no equation holds, is ErrInconsistent.
func TestInconsistentLargeCounts(t *testing.T) {
	t.Parallel()
	const a, b, c, d, e = 0, 1, 2, 3, 4
	sum := func(rhs int64, terms ...Term) Equation { return Equation{Terms: terms, RHS: rhs} }
	tests := []struct {
		Name string
		Eqs  []Equation
	}{
		{"a at most and at least", []Equation{
			sum(10_000_000, Term{a, 1}, Term{b, 1}),
			sum(10_000_001, Term{a, 1}, Term{c, -1}),
		}},
		{"wider total smaller", []Equation{
			sum(5_000_000, Term{a, 1}, Term{b, 1}, Term{c, 1}),
			sum(4_999_999, Term{a, 1}, Term{b, 1}, Term{c, 1}, Term{d, 1}, Term{e, 1}),
		}},
		{"half a count below 0", []Equation{
			sum(7_000_000, Term{a, 1}, Term{b, 1}),
			sum(3_000_000, Term{b, 1}, Term{c, 1}),
			sum(3_999_999, Term{a, 1}, Term{c, 1}),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			t.Parallel()
			for _, r := range routes(t, 5, tt.Eqs) {
				for v := range 5 {
					if _, _, err := r.p.Range([]Term{{v, 1}}); !errors.Is(err, ErrInconsistent) {
						t.Errorf("%s, variable %d: %v, want ErrInconsistent", r.name, v, err)
					}
				}
			}
		})
	}
}

// TestExactRowsNotReduced checks the exact simplex on rows Reduce did not
// put in echelon form, whose leading columns are not unit columns, so
// that every row starts from an artificial variable. Worked by hand:
// a + b = 10 and a + 2b = 14 give b = 4 and a = 6; with 25 instead of 14,
// b = 15 and a = -5, which no count can be.
func TestExactRowsNotReduced(t *testing.T) {
	t.Parallel()
	rows := func(rhs int64) [][]*big.Rat {
		return [][]*big.Rat{
			{big.NewRat(1, 1), big.NewRat(1, 1), big.NewRat(10, 1)},
			{big.NewRat(1, 1), big.NewRat(2, 1), big.NewRat(rhs, 1)},
		}
	}
	tab, err := exactFeasible(rows(14), 2, exactBudget)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		c    []float64
		want float64
	}{{[]float64{1, 0}, 6}, {[]float64{-1, 0}, -6}, {[]float64{0, 1}, 4}, {[]float64{1, -1}, 2}} {
		if got, err := tab.minimise(tt.c); err != nil || got != tt.want {
			t.Errorf("min %v·x = %v %v, want %v", tt.c, got, err, tt.want)
		}
	}
	if _, err := exactFeasible(rows(25), 2, exactBudget); !errors.Is(err, ErrInconsistent) {
		t.Errorf("a = -5: %v, want ErrInconsistent", err)
	}
}
