// Package audit bounds hidden counts by what published totals say about
// them, and is the only importer of gonum. Disclosure control
// (publish/duckdb) states what a reader knows as a system of linear
// equations over the hidden counts, each a total minus its parts with the
// published figures moved to the right-hand side, and asks for the least
// and greatest value each hidden count, or a sum or difference of them,
// can take with every count at least 0. That is a linear programme. Each
// system is made feasible once and solved for every objective from there,
// on a small dense tableau (simplex.go); gonum's simplex
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
	// holds it (it is then free to take any value from 0 up) or it was
	// eliminated.
	used []int
	// expr holds, for each variable eliminated (eliminate.go), its value
	// as a sum of variables not eliminated; nil for the others, and nil
	// when none was.
	expr [][]Term
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
}

// Reduce checks and reduces eqs over vars variables: it substitutes out
// each variable an equation gives as a sum of others, such as a
// proportion's denominator n in x - n + s = 0, dropping that equation
// (eliminate.go), and removes the equations the others imply, exactly, in
// rational arithmetic, since the simplex needs independent rows. It
// returns ErrInconsistent when the equations contradict each other.
func Reduce(vars int, eqs []Equation) (*Problem, error) {
	return reduce(vars, eqs, feasible, exactBudget)
}

// reduce is Reduce with the float phase one and the exact simplex's
// budget given, so that a test can make the float phase one claim what it
// must never be trusted to claim alone, or the exact one run out.
func reduce(vars int, eqs []Equation, phaseOne func(*mat.Dense, []float64) *tableau, budget int) (*Problem, error) {
	return reduceSubstituting(vars, eqs, phaseOne, budget, true)
}

// reduceSubstituting is reduce, substituting out the variables equations
// give (eliminate.go) only when substituting: a test compares the two.
func reduceSubstituting(vars int, eqs []Equation, phaseOne func(*mat.Dense, []float64) *tableau, budget int, substituting bool) (*Problem, error) {
	for _, eq := range eqs {
		for _, t := range eq.Terms {
			if t.Var < 0 || t.Var >= vars {
				return nil, fmt.Errorf("audit: variable %d of %d", t.Var, vars)
			}
		}
	}
	var expr [][]Term
	if substituting {
		eqs, expr = eliminate(vars, eqs)
	}
	used := make([]int, vars)
	for i := range used {
		used[i] = -1
	}
	var cols int
	for _, eq := range eqs {
		for _, t := range eq.Terms {
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
	p := &Problem{vars: vars, used: used, expr: expr, budget: budget, gonum: gonumSimplex}
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
	var c []float64
	if p.a != nil {
		_, cols := p.a.Dims()
		c = make([]float64, cols)
	}
	for _, t := range obj {
		if t.Var < 0 || t.Var >= p.vars {
			return 0, 0, fmt.Errorf("audit: objective variable %d of %d", t.Var, p.vars)
		}
	}
	obj, err = p.expand(obj)
	if err != nil {
		return 0, 0, err
	}
	freeUp, freeDown := false, false
	for _, t := range obj {
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
	lo, hi = 0, 0
	if p.a != nil {
		if lo, err = p.minimise(c); err != nil {
			return 0, 0, err
		}
		neg := make([]float64, len(c))
		for j := range c {
			neg[j] = -c[j]
		}
		m, err := p.minimise(neg)
		if err != nil {
			return 0, 0, err
		}
		hi = -m
	}
	if freeUp {
		hi = math.Inf(1)
	}
	if freeDown {
		lo = math.Inf(-1)
	}
	return lo, hi, nil
}

// expand returns obj written over the variables not eliminated: each term
// of a variable eliminated becomes its expression's terms, times its
// coefficient; the terms of each variable are summed, so that a free
// variable whose terms cancel (n - x with n eliminated as x + s) is not
// taken as free both up and down. A coefficient over maxImpliedCoef on a
// variable eliminated is an error, as its products could overflow.
func (p *Problem) expand(obj []Term) ([]Term, error) {
	var out []Term
	for _, t := range obj {
		if p.expr == nil || p.expr[t.Var] == nil {
			out = append(out, t)
			continue
		}
		if t.Coef > maxImpliedCoef || t.Coef < -maxImpliedCoef {
			return nil, fmt.Errorf("audit: objective coefficient %d on a variable eliminated", t.Coef)
		}
		for _, u := range p.expr[t.Var] {
			out = append(out, Term{Var: u.Var, Coef: t.Coef * u.Coef})
		}
	}
	return mergeTerms(nil, out), nil
}

// minimise returns the least c·x over p's solutions, -Inf when unbounded.
func (p *Problem) minimise(c []float64) (float64, error) {
	if p.infeasible {
		return 0, ErrInconsistent
	}
	if p.exact != nil {
		return p.exact.minimise(c)
	}
	if p.start != nil {
		if f, ok := p.start.minimise(c); ok {
			return f, nil
		}
	}
	f, err := p.gonum(c, p.a, p.b)
	if errors.Is(err, lp.ErrZeroColumn) {
		// A column that reduction emptied belongs to a variable every
		// solution leaves free; gonum wants none, so it is dropped.
		f, err = p.withoutZeroColumns(c)
	}
	if err == nil {
		return f, nil
	}
	// gonum says infeasible or unbounded, verdicts that decide a cell is
	// not narrow and are not believed unchecked, or failed: the exact
	// simplex decides, and answers.
	return p.exactly(c, err)
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
