package audit

import (
	"math"
	"sync"

	"gonum.org/v1/gonum/mat"
)

// The audit solves tens of thousands of small programmes (a few equations
// over a few dozen counts), each for several objectives: the least and
// greatest numerator, denominator and complement of every cell hidden for
// itself. gonum's lp.Simplex finds a feasible basis anew for every
// objective and factorises the basis at every pivot, which for systems
// this small costs far more than the arithmetic. A dense tableau, made
// feasible once per system (phase one) and copied for each objective
// (phase two), does the same work in a small fraction of the time. It
// follows Bland's rule (the entering and the leaving variable of least
// index among the candidates), so it cannot cycle; where it still fails
// (more pivots than maxPivots, which Bland's rule makes a numerical
// failure, not cycling), Range falls back to gonum. A system the tableau
// calls infeasible, or cannot decide, goes to the exact simplex
// (exact.go), since floating point never decides that alone.

// pivotTolerance is the least magnitude of a tableau entry taken as
// non-zero, and of a reduced cost taken as negative. The systems' entries
// are small whole numbers and reduction leaves rationals of small
// denominators, so anything smaller is rounding.
const pivotTolerance = 1e-9

// A tableau is a feasible basis of the system A x = b, x >= 0, in
// canonical form: row i reads x[basis[i]] + sum of t[i][j] x[j] over the
// non-basic j = t[i][n], with every t[i][n] >= 0.
type tableau struct {
	n     int
	t     [][]float64
	basis []int
	// basic says which columns are in basis, for pricing, which asks it
	// of every column at every pivot.
	basic []bool
	// cells, in a scratch tableau only, holds its rows end to end.
	cells []float64
	// costs is solve's scratch list of the rows whose basic variable
	// has a cost.
	costs []rowCost
	// pivots counts the pivots solve has made from this tableau, phase
	// one's and, through minimise's copies, every objective's: what
	// BenchmarkRangeLargeGroup reports a system's work by.
	pivots int
}

// A rowCost is a row of the tableau whose basic variable has cost c, a
// term of every reduced cost.
type rowCost struct {
	row []float64
	c   float64
}

// maxPivots bounds the pivots of one phase, far more than a system of
// this size needs.
func maxPivots(rows, cols int) int { return 50 * (rows + cols) }

// feasible finds a feasible basis of a x = b, x >= 0 (phase one), or
// returns nil when it finds none: when it finds no x satisfies them, or
// cannot tell within rounding, or the simplex did not converge. Reduce
// then asks the exact simplex, since a float verdict of infeasible is
// never believed alone.
func feasible(a *mat.Dense, b []float64) *tableau {
	if a == nil {
		return nil
	}
	rows, cols := a.Dims()
	// Phase one adds an artificial variable per row, starting from the
	// basis of artificials with every right-hand side made at least 0,
	// and minimises their sum.
	w := cols + rows
	t := make([][]float64, rows)
	basis := make([]int, rows)
	scale := 1.0
	for i := range t {
		t[i] = make([]float64, w+1)
		sign := 1.0
		if b[i] < 0 {
			sign = -1
		}
		for j := 0; j < cols; j++ {
			t[i][j] = sign * a.At(i, j)
		}
		t[i][cols+i] = 1
		t[i][w] = sign * b[i]
		scale = max(scale, math.Abs(b[i]))
		basis[i] = cols + i
	}
	basic := make([]bool, w)
	for j := cols; j < w; j++ {
		basic[j] = true
	}
	tab := &tableau{n: w, t: t, basis: basis, basic: basic}
	c := make([]float64, w)
	for j := cols; j < w; j++ {
		c[j] = 1
	}
	f, ok := tab.solve(c)
	if !ok {
		return nil
	}
	// The least sum of the artificials says whether the system has a
	// solution, up to rounding that grows with the counts: at 0 within
	// rounding, one. Anything more may be rounding too (counts in the
	// millions leave rounding of a whole unit, so x2 = -1 could pass for
	// feasible, and a consistent system for infeasible): the exact
	// simplex decides.
	if f > 1e-9*(1+scale) {
		return nil
	}
	// Drive each artificial still basic (at 0) out of the basis; the
	// rows are independent, so a real column can replace it.
	for i := range tab.t {
		if tab.basis[i] < cols {
			continue
		}
		pivot := -1
		for j := 0; j < cols; j++ {
			if math.Abs(tab.t[i][j]) > pivotTolerance {
				pivot = j
				break
			}
		}
		if pivot < 0 {
			return nil
		}
		tab.pivot(i, pivot)
	}
	// Drop the artificial columns.
	for i := range tab.t {
		row := make([]float64, cols+1)
		copy(row, tab.t[i][:cols])
		row[cols] = tab.t[i][w]
		tab.t[i] = row
	}
	tab.n = cols
	tab.basic = tab.basic[:cols]
	// The list of rows with a cost points into phase one's rows, which
	// are gone; phase two makes its own in each scratch tableau.
	tab.costs = nil
	return tab
}

// minimise returns the least c·x from the feasible basis (phase two),
// -Inf when c·x has no least value, and false when the simplex did not
// converge. It leaves the tableau as it was.
//
// The copy it solves is made in a scratch tableau from scratchTableaux:
// every hidden cell's range is two of these, and at five million rows
// allocating a fresh copy for each was half of the audit's solving time
// (BENCHMARKS.md, "The cost curve").
func (tab *tableau) minimise(c []float64) (float64, bool) {
	cp := scratchTableaux.Get().(*tableau)
	defer func() {
		// Rows of an earlier, larger copy must not be kept alive by the
		// list of rows with a cost once cells is made anew.
		clear(cp.costs[:cap(cp.costs)])
		scratchTableaux.Put(cp)
	}()
	cells := 0
	for _, row := range tab.t {
		cells += len(row)
	}
	if cap(cp.cells) < cells {
		cp.cells = make([]float64, cells)
	}
	cp.cells = cp.cells[:cells]
	cp.n, cp.t, cp.pivots = tab.n, cp.t[:0], 0
	cp.basis, cp.basic = append(cp.basis[:0], tab.basis...), append(cp.basic[:0], tab.basic...)
	at := 0
	for _, row := range tab.t {
		r := cp.cells[at : at+len(row) : at+len(row)]
		copy(r, row)
		cp.t = append(cp.t, r)
		at += len(row)
	}
	f, ok := cp.solve(c)
	tab.pivots += cp.pivots
	return f, ok
}

// scratchTableaux holds tableaux whose memory minimise reuses; the audit
// solves components on several goroutines, so each takes its own.
var scratchTableaux = sync.Pool{New: func() any { return new(tableau) }}

// solve runs the simplex from the tableau's basis, which must be
// feasible, minimising c·x, and returns the least value (-Inf when
// unbounded) and whether it converged.
func (tab *tableau) solve(c []float64) (float64, bool) {
	n := tab.n
	for range maxPivots(len(tab.t), n) {
		// Bland's rule: the first column whose reduced cost c_j - c_B
		// B^-1 A_j is negative enters. Only rows whose basic variable
		// has a cost add to it, and an objective of phase two costs one
		// or a few variables, so the sum runs over those rows alone:
		// over every row it was about half of solve's time at five
		// million rows, and three quarters with a scan of the basis for
		// each column (BENCHMARKS.md, "The uncached provider view and the
		// simplex's pricing").
		// A row left out adds 0 x t[i][j], which changes no sum, so the
		// reduced costs are those of the sum over every row.
		costs := tab.costs[:0]
		for i, row := range tab.t {
			if cb := c[tab.basis[i]]; cb != 0 {
				costs = append(costs, rowCost{row, cb})
			}
		}
		tab.costs = costs
		enter := -1
		for j := 0; j < n; j++ {
			if tab.basic[j] {
				continue
			}
			r := c[j]
			for _, rc := range costs {
				r -= rc.c * rc.row[j]
			}
			if r < -pivotTolerance {
				enter = j
				break
			}
		}
		if enter < 0 {
			var f float64
			for i, row := range tab.t {
				f += c[tab.basis[i]] * row[n]
			}
			return f, true
		}
		// The ratio test; ties go to the basic variable of least index.
		leave := -1
		var best float64
		tiny := false
		for i, row := range tab.t {
			if row[enter] <= pivotTolerance {
				tiny = tiny || row[enter] > 0
				continue
			}
			ratio := row[n] / row[enter]
			if leave < 0 || ratio < best-pivotTolerance ||
				(math.Abs(ratio-best) <= pivotTolerance && tab.basis[i] < tab.basis[leave]) {
				leave, best = i, ratio
			}
		}
		if leave < 0 {
			if tiny {
				// A positive entry too small to pivot on may be all
				// that bounds the objective: "unbounded" would then
				// call a cell wide that is not, so the tableau does not
				// decide (gonum, then the exact simplex, do).
				return 0, false
			}
			return math.Inf(-1), true
		}
		tab.pivot(leave, enter)
		tab.pivots++
	}
	return 0, false
}

// pivot makes column j basic in row r.
func (tab *tableau) pivot(r, j int) {
	pr := tab.t[r]
	inv := 1 / pr[j]
	for k := range pr {
		pr[k] *= inv
	}
	pr[j] = 1
	for i, row := range tab.t {
		if i == r || row[j] == 0 {
			continue
		}
		f := row[j]
		for k := range row {
			row[k] -= f * pr[k]
		}
		row[j] = 0
		// A right-hand side a rounding below 0 is 0.
		if row[len(row)-1] < 0 && row[len(row)-1] > -pivotTolerance {
			row[len(row)-1] = 0
		}
	}
	tab.basic[tab.basis[r]] = false
	tab.basic[j] = true
	tab.basis[r] = j
}
