package audit

import (
	"fmt"
	"math"
	"math/big"
)

// A verdict of "no counts satisfy these equations" decides what is
// published: the caller then takes the cell's range as saying nothing and
// does not count it narrow, so a wrong verdict on a consistent system
// would publish a disclosure unseen. Floating point gives such verdicts
// wrongly: gonum's simplex calls some consistent systems of counts in
// the millions infeasible (TestInfeasibleIsChecked), and rounding in any
// float tableau grows with the counts. So no float verdict of infeasible
// is believed:
// the same programme is solved again in exact rational arithmetic
// (math/big), from the reduced rows Reduce already holds exactly, by the
// simplex with Bland's rule, which cannot cycle and, exact, cannot be
// misled by rounding. Where it finds the system feasible, it answers the
// objective too. It is slow beside the float tableau, so it runs only on
// these rare verdicts, and within a budget: a system too large for it
// ends in ErrSolver, which the caller counts as narrow (safe), not in a
// hang.

// exactBudget bounds the entries one exact solve (a phase) may update,
// summed over its pivots: a few tenths of a second of big.Rat arithmetic,
// and enough for a table of 20 providers by 12 periods with every cell
// hidden, far more than a system of the audit's usual size needs.
const exactBudget = 1 << 23

// A ratTableau is a feasible basis of A x = b, x >= 0, in exact
// arithmetic and canonical form: row i reads x[basis[i]] + sum of t[i][j]
// x[j] over the non-basic j = t[i][n], with every t[i][n] >= 0.
type ratTableau struct {
	n     int
	t     [][]*big.Rat
	basis []int
	// budget is exactFeasible's, which phase two has as well.
	budget int
}

// exactFeasible finds a feasible basis of the reduced rows (phase one).
// Each row holds cols coefficients and a right-hand side, and the rows
// are independent, as Reduce leaves them. It returns ErrInconsistent when
// no x >= 0 satisfies them, proved exactly, and an error wrapping
// ErrSolver when the work exceeds budget (exactBudget).
func exactFeasible(rows [][]*big.Rat, cols, budget int) (*ratTableau, error) {
	// Reduced row echelon form already gives a basis: each row's leading
	// column holds 1 there and 0 in every other row. A row whose
	// right-hand side is below 0 is negated and given an artificial
	// variable, the basic one of its row; so is any row whose leading
	// column is not such a unit column, which keeps this correct for
	// rows from elsewhere. Phase one minimises the artificials' sum.
	lead := make([]int, len(rows))
	artificial := 0
	for i, r := range rows {
		lead[i] = -1
		for j := 0; j < cols; j++ {
			if r[j].Sign() != 0 {
				lead[i] = j
				break
			}
		}
		if lead[i] < 0 {
			return nil, fmt.Errorf("%w: exact phase one: row %d has no coefficients", ErrSolver, i)
		}
		if !unitColumn(rows, i, lead[i]) || r[cols].Sign() < 0 {
			lead[i] = -1
			artificial++
		}
	}
	w := cols + artificial
	tab := &ratTableau{n: w, t: make([][]*big.Rat, len(rows)), basis: make([]int, len(rows)), budget: budget}
	z := newRats(w + 1)
	k := cols
	for i, r := range rows {
		row := newRats(w + 1)
		for j := 0; j < cols; j++ {
			row[j].Set(r[j])
		}
		row[w].Set(r[cols])
		tab.basis[i] = lead[i]
		if lead[i] < 0 {
			if row[w].Sign() < 0 {
				for _, v := range row {
					v.Neg(v)
				}
			}
			row[k].SetInt64(1)
			tab.basis[i] = k
			k++
			// The reduced costs of minimising the artificials' sum are
			// minus the sum of the artificial rows, on the real columns
			// and the right-hand side (on each artificial, 1 - 1 = 0).
			for j := range row {
				if j < cols || j == w {
					z[j].Sub(z[j], row[j])
				}
			}
		}
		tab.t[i] = row
	}
	unbounded, err := tab.solve(z, budget)
	if err != nil {
		return nil, fmt.Errorf("exact phase one: %w", err)
	}
	if unbounded {
		// A sum of variables at least 0 is bounded below by 0.
		return nil, fmt.Errorf("%w: exact phase one unbounded", ErrSolver)
	}
	if z[w].Sign() != 0 {
		return nil, ErrInconsistent
	}
	// Drive each artificial still basic, at 0, out of the basis: the rows
	// are independent, so a real column has a non-zero entry in its row.
	// The pivot is on a right-hand side of 0 and keeps every other.
	for i := range tab.t {
		if tab.basis[i] < cols {
			continue
		}
		pivot := -1
		for j := 0; j < cols; j++ {
			if tab.t[i][j].Sign() != 0 {
				pivot = j
				break
			}
		}
		if pivot < 0 {
			return nil, fmt.Errorf("%w: exact phase one: row %d depends on the others", ErrSolver, i)
		}
		tab.pivot(i, pivot, nil)
	}
	for i, row := range tab.t {
		tab.t[i] = append(row[:cols], row[w])
	}
	tab.n = cols
	return tab, nil
}

// unitColumn reports whether column j of rows is 1 in row r and 0 in
// every other.
func unitColumn(rows [][]*big.Rat, r, j int) bool {
	one := big.NewRat(1, 1)
	for i, row := range rows {
		if (i == r && row[j].Cmp(one) != 0) || (i != r && row[j].Sign() != 0) {
			return false
		}
	}
	return true
}

// newRats returns n rationals, each 0.
func newRats(n int) []*big.Rat {
	out := make([]*big.Rat, n)
	for i := range out {
		out[i] = new(big.Rat)
	}
	return out
}

// minimise returns the least c·x from the feasible basis (phase two),
// -Inf when c·x has no least value, rounded to the nearest float64 (a
// whole number is exact), or an error wrapping ErrSolver when the work
// exceeds the tableau's budget. The costs c are sums of the objective's
// whole coefficients, so exact as float64s. It leaves the tableau as it
// was.
func (tab *ratTableau) minimise(c []float64) (float64, error) {
	cp := &ratTableau{n: tab.n, t: make([][]*big.Rat, len(tab.t)), basis: append([]int(nil), tab.basis...), budget: tab.budget}
	for i, row := range tab.t {
		cp.t[i] = make([]*big.Rat, len(row))
		for j, v := range row {
			cp.t[i][j] = new(big.Rat).Set(v)
		}
	}
	// The reduced costs c_j - c_B B^-1 A_j, and at n minus the value.
	z := newRats(tab.n + 1)
	for j := 0; j < tab.n; j++ {
		z[j].SetFloat64(c[j])
	}
	tmp := new(big.Rat)
	for i, row := range cp.t {
		cb := c[cp.basis[i]]
		if cb == 0 {
			continue
		}
		f := new(big.Rat).SetFloat64(cb)
		for j, v := range row {
			if v.Sign() != 0 {
				z[j].Sub(z[j], tmp.Mul(f, v))
			}
		}
	}
	unbounded, err := cp.solve(z, cp.budget)
	if err != nil {
		return 0, fmt.Errorf("exact phase two: %w", err)
	}
	if unbounded {
		return math.Inf(-1), nil
	}
	f, _ := new(big.Rat).Neg(z[tab.n]).Float64()
	return f, nil
}

// solve runs the simplex from the tableau's basis, which must be
// feasible, with z its reduced costs (z[n] minus the objective's value),
// pivoting z along. It follows Bland's rule: the entering column is the
// first of negative reduced cost, and of the rows that tie in the ratio
// test the one whose basic variable has the least index leaves. It
// reports whether the objective has no least value, and fails with
// ErrSolver when the pivots' work would exceed budget, counted in
// entries updated.
func (tab *ratTableau) solve(z []*big.Rat, budget int) (unbounded bool, err error) {
	n := tab.n
	ratio, best := new(big.Rat), new(big.Rat)
	for {
		enter := -1
		for j := 0; j < n; j++ {
			// A basic column's reduced cost is 0, so it never enters.
			if z[j].Sign() < 0 {
				enter = j
				break
			}
		}
		if enter < 0 {
			return false, nil
		}
		leave := -1
		for i, row := range tab.t {
			if row[enter].Sign() <= 0 {
				continue
			}
			ratio.Quo(row[n], row[enter])
			if leave < 0 {
				leave = i
				best.Set(ratio)
				continue
			}
			if c := ratio.Cmp(best); c < 0 || (c == 0 && tab.basis[i] < tab.basis[leave]) {
				leave = i
				best.Set(ratio)
			}
		}
		if leave < 0 {
			return true, nil
		}
		budget -= (len(tab.t) + 1) * (n + 1)
		if budget < 0 {
			return false, fmt.Errorf("%w: exact simplex over %d rows and %d columns exceeded its budget of work", ErrSolver, len(tab.t), n)
		}
		tab.pivot(leave, enter, z)
	}
}

// pivot makes column j basic in row r, updating the reduced costs z too
// when z is not nil.
func (tab *ratTableau) pivot(r, j int, z []*big.Rat) {
	pr := tab.t[r]
	inv := new(big.Rat).Inv(pr[j])
	for _, v := range pr {
		if v.Sign() != 0 {
			v.Mul(v, inv)
		}
	}
	tmp, f := new(big.Rat), new(big.Rat)
	eliminate := func(row []*big.Rat) {
		if row[j].Sign() == 0 {
			return
		}
		f.Set(row[j])
		for k, v := range pr {
			if v.Sign() != 0 {
				row[k].Sub(row[k], tmp.Mul(f, v))
			}
		}
	}
	for i, row := range tab.t {
		if i != r {
			eliminate(row)
		}
	}
	if z != nil {
		eliminate(z)
	}
	tab.basis[r] = j
}
