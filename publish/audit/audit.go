// Package audit bounds hidden counts by what published totals say about
// them, and is the only importer of gonum. Disclosure control
// (publish/duckdb) states what a reader knows as a system of linear
// equations over the hidden counts, each a total minus its parts with the
// published figures moved to the right-hand side, and asks for the least
// and greatest value each hidden count, or a sum or difference of them,
// can take with every count at least 0. That is a linear programme. Each
// system is made feasible once and solved for every objective from there
// (or, for a caller that needs only narrow ranges, until the solutions
// found show the range is not: RangeUnless), on a small dense tableau
// (simplex.go); gonum's simplex
// (optimize/convex/lp) solves any the tableau cannot, and is the
// independent implementation the tableau is tested against.
//
// Floating point decides the common case, but not a verdict that no
// counts satisfy the equations: the caller takes such a system as saying
// nothing about its cells, so a wrong verdict would publish a disclosure
// unseen. Every such verdict, the tableau's or gonum's, is checked in
// exact rational arithmetic (exact.go) before it is believed, and so is
// gonum's verdict that a count has no bound; where the exact check finds
// counts that satisfy the equations, it answers the objective itself. A
// failure of gonum is met the same way.
// The exact simplex has a budget of work; a system beyond it is a solver
// failure (ErrSolver), which the caller counts as narrow.
//
// The bounds are those of the linear relaxation, which callers round
// inwards to whole numbers. For one table of providers by periods with its
// totals (a two-way table with its margins) the equations' matrix is
// totally unimodular, so the rounded bounds are exactly what a reader who
// also knows that counts are whole numbers can get. Where equations of
// several kinds are combined (numerators tied to their denominators, or
// tables of several releases) a reader solving the integer programme may
// narrow a range a little further than the rounded relaxation shows.
package audit

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"
)

// ErrInconsistent is returned by Reduce when the equations contradict each
// other: no counts satisfy them all, so they bound nothing.
var ErrInconsistent = errors.New("the equations contradict each other")

// ErrSolver is returned, wrapped, when the simplex fails for numerical
// reasons; a caller must then treat the count as unprotected.
var ErrSolver = errors.New("linear programme failed")

// A Term is Coef times variable Var.
type Term struct {
	Var  int
	Coef int64
}

// An Equation says that the sum of its terms is RHS.
type Equation struct {
	Terms []Term
	RHS   int64
}

// A Problem is a system of equations over Vars variables, each at least 0,
// reduced to independent equations. Build one with Reduce.
type Problem struct {
	vars int
	// used maps a variable to its column in a, or -1 when no equation
	// holds it (it is then free to take any value from 0 up).
	used []int
	a    *mat.Dense
	b    []float64
	// rows holds a's rows and b exactly, each row's last entry its
	// right-hand side, for the exact check (exact.go), which reads them
	// as big.Rat (ratRows): rarely, so they are made only then.
	rows [][]exactValue
	// start is a feasible basis of a, found once by Reduce, from which
	// every objective is solved (tableau); nil when the float simplex
	// found none, and Reduce then asked the exact one.
	start *tableau
	// exact is a feasible basis found in exact arithmetic where the float
	// tableau said infeasible or could not decide; every objective is
	// then solved exactly from it.
	exact *ratTableau
	// exactErr is why the exact phase one failed (ErrSolver, its budget
	// spent), where it was tried; gonum then answers, but any verdict of
	// infeasible it gives cannot be confirmed.
	exactErr error
	// infeasible says no counts of at least 0 satisfy the equations,
	// proved in exact arithmetic.
	infeasible bool
	// budget bounds the exact simplex's work (exactBudget).
	budget int
	// gonum is gonumSimplex, or in a test a stand-in for it that gives
	// the wrong verdicts the exact simplex must catch.
	gonum func(c []float64, a *mat.Dense, b []float64) (float64, error)
	// seen is what the float simplex's solutions have shown of the
	// feasible set (Seen).
	seen seenSolutions
}

// seenSolutions keeps the solutions the float simplex stopped at, each a
// vertex of the feasible set that satisfies the equations within the
// tolerance phase one allows (margin): for every column the least and
// greatest value it took at any of them, and the first maxSeenPoints of
// them whole, for objectives of several terms.
type seenSolutions struct {
	lo, hi []float64
	// points holds the solutions kept whole end to end, each of len(x)
	// entries.
	points []float64
	// x is the scratch solution minimise writes into.
	x []float64
	// margin is how far a kept solution may miss an equation, or a
	// count fall below 0: phase one's own tolerance, 1e-9 of the largest
	// right-hand side, and the 1e-6 least and greatest allow besides.
	// RangeUnless narrows the values seen by it before asking whether
	// they are wide.
	margin float64
}

// maxSeenPoints bounds the solutions kept whole: 64 of a system of 1,000
// columns are half a megabyte, about what its tableau holds.
const maxSeenPoints = 64

// scratch returns a solution to write into, of cols entries.
func (s *seenSolutions) scratch(cols int) []float64 {
	if len(s.x) != cols {
		s.x = make([]float64, cols)
	}
	return s.x
}

// add records the solution minimise or vertex has just written into the
// scratch one, if it satisfies p's equations and bounds within margin,
// and reports whether it did.
func (s *seenSolutions) add(a *mat.Dense, b []float64) bool {
	for i, bi := range b {
		var sum float64
		for j, v := range s.x {
			sum += a.At(i, j) * v
		}
		if math.Abs(sum-bi) > s.margin {
			return false
		}
	}
	for _, v := range s.x {
		if v < -s.margin {
			return false
		}
	}
	if s.lo == nil {
		s.lo = slices.Clone(s.x)
		s.hi = slices.Clone(s.x)
	}
	for j, v := range s.x {
		s.lo[j] = min(s.lo[j], v)
		s.hi[j] = max(s.hi[j], v)
	}
	if len(s.points) < maxSeenPoints*len(s.x) {
		s.points = append(s.points, s.x...)
	}
	return true
}

// Reduce checks and reduces eqs over vars variables: it removes the
// equations the others imply, exactly, in rational arithmetic, since the
// simplex needs independent rows. It returns ErrInconsistent when the
// equations contradict each other.
func Reduce(vars int, eqs []Equation) (*Problem, error) {
	return reduce(vars, eqs, feasible, exactBudget)
}

// reduce is Reduce with the float phase one and the exact simplex's
// budget given, so that a test can make the float phase one claim what it
// must never be trusted to claim alone, or the exact one run out.
func reduce(vars int, eqs []Equation, phaseOne func(*mat.Dense, []float64) *tableau, budget int) (*Problem, error) {
	used := make([]int, vars)
	for i := range used {
		used[i] = -1
	}
	var cols int
	for _, eq := range eqs {
		for _, t := range eq.Terms {
			if t.Var < 0 || t.Var >= vars {
				return nil, fmt.Errorf("audit: variable %d of %d", t.Var, vars)
			}
			if t.Coef != 0 && used[t.Var] < 0 {
				used[t.Var] = cols
				cols++
			}
		}
	}
	rat, err := echelonOf(eqs, used, cols)
	if err != nil {
		return nil, err
	}
	p := &Problem{vars: vars, used: used, budget: budget, gonum: gonumSimplex}
	if len(rat) == 0 {
		return p, nil
	}
	p.a = mat.NewDense(len(rat), cols, nil)
	p.b = make([]float64, len(rat))
	for i, row := range rat {
		for j := 0; j < cols; j++ {
			p.a.Set(i, j, row[j].float())
		}
		p.b[i] = row[cols].float()
	}
	p.rows = rat
	p.start = phaseOne(p.a, p.b)
	if p.start != nil {
		scale := 1.0
		for _, v := range p.b {
			scale = max(scale, math.Abs(v))
		}
		p.seen.margin = 1e-6 + 1e-9*(1+scale)
		p.start.vertex(p.seen.scratch(cols))
		p.seen.add(p.a, p.b)
	}
	if p.start == nil {
		// The float tableau found no feasible basis, which is not
		// believed unchecked: the exact simplex decides.
		p.exact, p.exactErr = exactFeasible(p.ratRows(), cols, p.budget)
		if errors.Is(p.exactErr, ErrInconsistent) {
			p.infeasible, p.exactErr = true, nil
		}
	}
	return p, nil
}

// echelonOf returns eqs, as rows of coefficients by the columns used
// gives their variables and a right-hand side, reduced by Echelon to
// their independent rows, or ErrInconsistent where the others leave a
// row 0 = b with b not 0. The reduction is done in machine integers
// (echelonSmall) where every value stays small enough, and otherwise in
// big.Rat; both give the same rows.
func echelonOf(eqs []Equation, used []int, cols int) ([][]exactValue, error) {
	sm := make([][]small, len(eqs))
	ok := true
	for i, eq := range eqs {
		sums := make([]int64, cols+1)
		for _, t := range eq.Terms {
			if t.Coef != 0 {
				sums[used[t.Var]] += t.Coef
			}
		}
		sums[cols] = eq.RHS
		if sm[i], ok = smallRow(sums, cols+1); !ok {
			break
		}
	}
	var rank int
	if ok {
		rank, ok = echelonSmall(sm, cols)
	}
	if ok {
		for i := rank; i < len(sm); i++ {
			if sm[i][cols].n != 0 {
				return nil, ErrInconsistent
			}
		}
		out := make([][]exactValue, rank)
		for i := range out {
			out[i] = make([]exactValue, cols+1)
			for j, v := range sm[i] {
				out[i][j] = exactValue{small: v}
			}
		}
		return out, nil
	}
	m := make([][]*big.Rat, len(eqs))
	for i, eq := range eqs {
		m[i] = make([]*big.Rat, cols+1)
		for j := range m[i] {
			m[i][j] = new(big.Rat)
		}
		for _, t := range eq.Terms {
			if t.Coef != 0 {
				c := m[i][used[t.Var]]
				c.Add(c, new(big.Rat).SetInt64(t.Coef))
			}
		}
		m[i][cols].SetInt64(eq.RHS)
	}
	rank = Echelon(m, cols)
	for i := rank; i < len(m); i++ {
		if m[i][cols].Sign() != 0 {
			return nil, ErrInconsistent
		}
	}
	out := make([][]exactValue, rank)
	for i := range out {
		out[i] = make([]exactValue, cols+1)
		for j, v := range m[i] {
			out[i][j] = exactValue{rat: v}
		}
	}
	return out, nil
}

// ratRows returns p's rows as big.Rat, each call a copy of its own.
func (p *Problem) ratRows() [][]*big.Rat {
	out := make([][]*big.Rat, len(p.rows))
	for i, row := range p.rows {
		out[i] = make([]*big.Rat, len(row))
		for j, v := range row {
			out[i][j] = v.big()
		}
	}
	return out
}

// Echelon reduces m to reduced row echelon form in place, pivoting on its
// first cols columns (the coefficients; any further column, such as a
// right-hand side, is carried along), the independent rows first, and
// returns how many there are. It works in exact rational arithmetic, so a
// row that depends on the others comes out exactly zero.
func Echelon(m [][]*big.Rat, cols int) int {
	tmp := new(big.Rat)
	r := 0
	for c := 0; c < cols && r < len(m); c++ {
		p := -1
		for i := r; i < len(m); i++ {
			if m[i][c].Sign() != 0 {
				p = i
				break
			}
		}
		if p < 0 {
			continue
		}
		m[r], m[p] = m[p], m[r]
		inv := new(big.Rat).Inv(m[r][c])
		for j := c; j < len(m[r]); j++ {
			m[r][j].Mul(m[r][j], inv)
		}
		for i := range m {
			if i == r || m[i][c].Sign() == 0 {
				continue
			}
			f := new(big.Rat).Set(m[i][c])
			for j := c; j < len(m[i]); j++ {
				m[i][j].Sub(m[i][j], tmp.Mul(f, m[r][j]))
			}
		}
		r++
	}
	return r
}

// tolerance is the simplex's optimality tolerance. Counts are whole
// numbers well below 2^40, so bounds are rounded to whole numbers by the
// caller and this only has to keep the simplex from cycling on rounding.
const tolerance = 1e-9

// Range returns the least and greatest value of the sum of obj's terms
// over every solution of p with each variable at least 0; hi is +Inf when
// nothing bounds it above. Variables no equation holds are free from 0 up.
func (p *Problem) Range(obj []Term) (lo, hi float64, err error) {
	lo, hi, _, err = p.RangeUnless(obj, nil)
	return lo, hi, err
}

// RangeUnless is Range for a caller that needs a range only while it is
// narrow. wide says whether a range is wide enough to need no more, and
// must be monotone: true of any range that holds one it is true of.
// RangeUnless asks it, before solving and at every step of the float
// simplex, of the values the solutions found so far give (Seen), which
// lie within the range, each first moved inwards by the rounding those
// solutions may carry; it stops as soon as wide says yes, returning those
// values and stopped true. A stop also passes over any error a full solve
// might have met (ErrSolver): the solutions found already show the range
// is wide. A nil wide never stops it. Solving each count's range in full was
// most of the audit's time at national scale, where most counts are far
// from narrow (BENCHMARKS.md, "Ranges cut short once wide").
func (p *Problem) RangeUnless(obj []Term, wide func(lo, hi float64) bool) (lo, hi float64, stopped bool, err error) {
	var c []float64
	if p.a != nil {
		_, cols := p.a.Dims()
		c = make([]float64, cols)
	}
	freeUp, freeDown := false, false
	for _, t := range obj {
		if t.Var < 0 || t.Var >= p.vars {
			return 0, 0, false, fmt.Errorf("audit: objective variable %d of %d", t.Var, p.vars)
		}
		j := p.used[t.Var]
		if j < 0 || p.a == nil {
			// A free variable adds 0 at least and has no upper bound. So
			// does one whose terms all cancelled (x - x = 0), leaving
			// no equation at all.
			switch {
			case t.Coef > 0:
				freeUp = true
			case t.Coef < 0:
				freeDown = true
			}
			continue
		}
		c[j] += float64(t.Coef)
	}
	var seenHi float64
	var enough func(f float64) bool
	if wide != nil {
		// Values from the float simplex are asked of only once narrowed
		// by the rounding its solutions may carry, so that no count is
		// called wide by a rounding.
		m := p.seen.margin
		inner := wide
		wide = func(lo, hi float64) bool { return inner(lo+m, hi-m) }
		if slo, shi, ok := p.Seen(obj); ok {
			if wide(slo, shi) {
				return slo, shi, true, nil
			}
			// While the least is sought, the greatest seen holds.
			seenHi = shi
			enough = func(f float64) bool { return wide(f, seenHi) }
		} else {
			seenHi = math.Inf(-1)
		}
	}
	lo, hi = 0, 0
	if p.a != nil {
		if lo, stopped, err = p.minimise(c, enough); err != nil {
			return 0, 0, false, err
		}
		if stopped {
			return lo, seenHi, true, nil
		}
		neg := make([]float64, len(c))
		for j := range c {
			neg[j] = -c[j]
		}
		if wide != nil {
			// The least is known now; the greatest seen still holds
			// while the simplex climbs to it.
			enough = func(f float64) bool { return wide(lo, max(-f, seenHi)) }
		}
		var m float64
		m, stopped, err = p.minimise(neg, enough)
		if err != nil {
			return 0, 0, false, err
		}
		hi = -m
		if stopped {
			return lo, max(hi, seenHi), true, nil
		}
	}
	if freeUp {
		hi = math.Inf(1)
	}
	if freeDown {
		lo = math.Inf(-1)
	}
	return lo, hi, false, nil
}

// Seen returns the least and greatest value the sum of obj's terms took
// at the solutions the float simplex has found so far, in Reduce and in
// Range, and false when it has found none. Every one of them satisfies
// the equations with each variable at least 0, so Range's least is no
// greater than lo and its greatest no less than hi (up to the simplex's
// rounding): a caller that only asks whether a range is at least some
// width can often tell from these without solving anything. A variable
// no equation holds is free from 0 up, as in Range.
func (p *Problem) Seen(obj []Term) (lo, hi float64, ok bool) {
	s := &p.seen
	if s.lo == nil {
		return 0, 0, false
	}
	var cols []Term
	freeUp, freeDown := false, false
	for _, t := range obj {
		if t.Var < 0 || t.Var >= p.vars {
			return 0, 0, false
		}
		switch j := p.used[t.Var]; {
		case j >= 0:
			cols = append(cols, Term{Var: j, Coef: t.Coef})
		case t.Coef > 0:
			freeUp = true
		case t.Coef < 0:
			freeDown = true
		}
	}
	switch len(cols) {
	case 0:
	case 1:
		// Every solution found counts for a single column.
		c, j := float64(cols[0].Coef), cols[0].Var
		lo, hi = c*s.lo[j], c*s.hi[j]
		if c < 0 {
			lo, hi = hi, lo
		}
	default:
		lo, hi = math.Inf(1), math.Inf(-1)
		for x := range slices.Chunk(s.points, len(s.x)) {
			var v float64
			for _, t := range cols {
				v += float64(t.Coef) * x[t.Var]
			}
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	if freeUp {
		hi = math.Inf(1)
	}
	if freeDown {
		lo = math.Inf(-1)
	}
	return lo, hi, true
}

// minimise returns the least c·x over p's solutions, -Inf when unbounded,
// or, where the float simplex solves it and enough (when not nil) says
// yes to the value at a step on the way, that value and stopped true.
func (p *Problem) minimise(c []float64, enough func(f float64) bool) (f float64, stopped bool, err error) {
	if p.infeasible {
		return 0, false, ErrInconsistent
	}
	if p.exact != nil {
		f, err := p.exact.minimise(c)
		return f, false, err
	}
	if p.start != nil {
		f, stopped, ok := p.start.minimise(c, p.seen.scratch(len(c)), enough)
		if ok && !p.seen.add(p.a, p.b) && stopped {
			// A stop is believed only at a solution that satisfies the
			// equations: this one did not, so the solve goes on to the
			// end, as for a caller that asks nothing on the way.
			f, stopped, ok = p.start.minimise(c, nil, nil)
		}
		if ok {
			return f, stopped, nil
		}
	}
	f, err = p.gonum(c, p.a, p.b)
	if errors.Is(err, lp.ErrZeroColumn) {
		// A column that reduction emptied belongs to a variable every
		// solution leaves free; gonum wants none, so it is dropped.
		f, err = p.withoutZeroColumns(c)
	}
	if err == nil {
		return f, false, nil
	}
	// gonum says infeasible or unbounded, verdicts that decide a cell is
	// not narrow and are not believed unchecked, or failed: the exact
	// simplex decides, and answers.
	f, err = p.exactly(c, err)
	return f, false, err
}

// exactly returns the least c·x over p's solutions found in exact
// arithmetic, where gonum failed with err or called p infeasible or c·x
// unbounded: ErrInconsistent only when the exact phase one proves it.
func (p *Problem) exactly(c []float64, err error) (float64, error) {
	if p.exactErr != nil {
		// Reduce tried already and ran out of budget.
		return 0, fmt.Errorf("%w: gonum: %w; exact: %w", ErrSolver, err, p.exactErr)
	}
	_, cols := p.a.Dims()
	start, xerr := exactFeasible(p.ratRows(), cols, p.budget)
	switch {
	case errors.Is(xerr, ErrInconsistent):
		return 0, ErrInconsistent
	case xerr != nil:
		return 0, fmt.Errorf("%w: gonum: %w; exact: %w", ErrSolver, err, xerr)
	}
	return start.minimise(c)
}

// gonumSimplex runs gonum's simplex, which panics on some systems whose
// basis it finds singular; a panic is its failure, ErrSolver, which the
// audit counts as narrow rather than letting it end the build.
func gonumSimplex(c []float64, a *mat.Dense, b []float64) (f float64, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = 0, fmt.Errorf("%w: %v", ErrSolver, r)
		}
	}()
	f, _, err = lp.Simplex(c, a, b, tolerance, nil)
	return f, err
}

// withoutZeroColumns solves min c·x with the columns of p.a that hold
// only zeros removed: such a variable takes any value from 0 up, so a
// negative cost makes the minimum -Inf and otherwise it stays 0. It
// returns gonum's error as it is.
func (p *Problem) withoutZeroColumns(c []float64) (float64, error) {
	rows, cols := p.a.Dims()
	var keep []int
	for j := 0; j < cols; j++ {
		zero := true
		for i := 0; i < rows; i++ {
			if p.a.At(i, j) != 0 {
				zero = false
				break
			}
		}
		if !zero {
			keep = append(keep, j)
		} else if c[j] < 0 {
			return math.Inf(-1), nil
		}
	}
	a := mat.NewDense(rows, len(keep), nil)
	ck := make([]float64, len(keep))
	for k, j := range keep {
		ck[k] = c[j]
		for i := 0; i < rows; i++ {
			a.Set(i, k, p.a.At(i, j))
		}
	}
	return p.gonum(ck, a, p.b)
}
