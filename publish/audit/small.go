package audit

import (
	"math/big"
	"math/bits"
)

// small is a rational number n/d in lowest terms with d > 0, both below
// smallLimit in magnitude: the audit's equations have coefficients of 1
// and -1 and counts well below that, so reducing them rarely needs more,
// and working in machine integers spares Echelon's big.Rat arithmetic,
// whose allocations were most of Reduce's cost. Every operation reports
// whether its result stays within the limit; where one does not, the
// caller starts again in big.Rat.
type small struct{ n, d int64 }

// smallLimit bounds a small's numerator and denominator, so that the
// product of two of them, and the sum of two such products, fit in an
// int64.
const smallLimit = 1 << 31

// fits reports whether n/d, d > 0, can be a small once in lowest terms,
// and returns it so.
func fits(n, d int64) (small, bool) {
	if n == 0 {
		return small{0, 1}, true
	}
	g := int64(gcd(abs(n), uint64(d)))
	n, d = n/g, d/g
	if n <= -smallLimit || n >= smallLimit || d >= smallLimit {
		return small{}, false
	}
	return small{n, d}, true
}

// smallRow returns the integers of row as smalls, in a row of n (n at
// least len(row), the rest 0), and false where one is too large for a
// small.
func smallRow(row []int64, n int) ([]small, bool) {
	out := make([]small, n)
	for j := range out {
		out[j] = small{0, 1}
	}
	for j, v := range row {
		var ok bool
		if out[j], ok = fits(v, 1); !ok {
			return nil, false
		}
	}
	return out, true
}

func abs(n int64) uint64 {
	if n < 0 {
		return uint64(-n)
	}
	return uint64(n)
}

// gcd is Stein's binary greatest common divisor of a and b, not both 0.
func gcd(a, b uint64) uint64 {
	if a == 0 {
		return b
	}
	if b == 0 {
		return a
	}
	shift := bits.TrailingZeros64(a | b)
	a >>= bits.TrailingZeros64(a)
	for b != 0 {
		b >>= bits.TrailingZeros64(b)
		if a > b {
			a, b = b, a
		}
		b -= a
	}
	return a << shift
}

// echelonSmall is Echelon over smalls: the same pivots, the same rows in
// the same order, the same exact values. It reports false, leaving m
// partly reduced, when a value would leave smallLimit.
func echelonSmall(m [][]small, cols int) (int, bool) {
	r := 0
	for c := 0; c < cols && r < len(m); c++ {
		p := -1
		for i := r; i < len(m); i++ {
			if m[i][c].n != 0 {
				p = i
				break
			}
		}
		if p < 0 {
			continue
		}
		m[r], m[p] = m[p], m[r]
		// Dividing the pivot row by its pivot n/d is multiplying it by
		// d/n, sign carried by the numerator.
		inv := small{m[r][c].d, m[r][c].n}
		if inv.d < 0 {
			inv = small{-inv.n, -inv.d}
		}
		for j := c; j < len(m[r]); j++ {
			v, ok := fits(m[r][j].n*inv.n, m[r][j].d*inv.d)
			if !ok {
				return 0, false
			}
			m[r][j] = v
		}
		for i := range m {
			f := m[i][c]
			if i == r || f.n == 0 {
				continue
			}
			for j := c; j < len(m[i]); j++ {
				// m[i][j] - f*m[r][j], over the product of the three
				// denominators: each below 2^31, so that is below 2^93
				// and cannot be formed directly; f*m[r][j] first.
				prod, ok := fits(f.n*m[r][j].n, f.d*m[r][j].d)
				if !ok {
					return 0, false
				}
				a := m[i][j]
				v, ok := fits(a.n*prod.d-prod.n*a.d, a.d*prod.d)
				if !ok {
					return 0, false
				}
				m[i][j] = v
			}
		}
		r++
	}
	return r, true
}

// exactValue is a reduced row's entry: a small, or where the reduction left
// machine integers, a big.Rat (rat not nil).
type exactValue struct {
	small small
	rat   *big.Rat
}

// float returns e rounded to the nearest float64. A small's numerator and
// denominator are exact in a float64, and division rounds correctly, so
// this is what big.Rat's Float64 gives for the same value.
func (e exactValue) float() float64 {
	if e.rat != nil {
		f, _ := e.rat.Float64()
		return f
	}
	return float64(e.small.n) / float64(e.small.d)
}

// big returns e as a big.Rat of its own.
func (e exactValue) big() *big.Rat {
	if e.rat != nil {
		return new(big.Rat).Set(e.rat)
	}
	return big.NewRat(e.small.n, e.small.d)
}

// Pinned returns, in order, the columns of m (rows of integer
// coefficients over cols columns, each a linear equation whose right-hand
// side is known) whose unit vector lies in the row space of m: the
// unknowns that some combination of the equations leaves alone, and so
// gives back exactly. They are the columns whose unit vector is a row of
// m's reduced row echelon form, which is found exactly (Echelon), in
// machine integers where every value stays small enough. m is left as it
// was.
func Pinned(m [][]int64, cols int) []int {
	sm := make([][]small, len(m))
	ok := true
	for i, row := range m {
		if sm[i], ok = smallRow(row, cols); !ok {
			break
		}
	}
	var rank int
	if ok {
		rank, ok = echelonSmall(sm, cols)
	}
	nonzero := func(i, j int) bool { return sm[i][j].n != 0 }
	if !ok {
		rm := make([][]*big.Rat, len(m))
		for i, row := range m {
			rm[i] = make([]*big.Rat, cols)
			for j := range rm[i] {
				rm[i][j] = new(big.Rat).SetInt64(row[j])
			}
		}
		rank = Echelon(rm, cols)
		nonzero = func(i, j int) bool { return rm[i][j].Sign() != 0 }
	}
	var pinned []int
	for i := range rank {
		lead, count := -1, 0
		for j := range cols {
			if nonzero(i, j) {
				if lead < 0 {
					lead = j
				}
				count++
			}
		}
		if count == 1 {
			pinned = append(pinned, lead)
		}
	}
	return pinned
}
