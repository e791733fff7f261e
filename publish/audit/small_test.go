package audit

import (
	"math/big"
	"math/rand/v2"
	"testing"
)

// TestEchelonSmallAgreesWithEchelon reduces random systems of the audit's
// shape (coefficients -1, 0 and 1, some rows repeated or summed, so that
// some depend on the others, and right-hand sides up to the size given)
// both in machine integers (echelonOf) and by Echelon in big.Rat, and
// wants the same rows, exactly, or the same verdict that they are
// inconsistent. Right-hand sides past smallLimit make echelonOf fall back
// to big.Rat, which must agree too.
func TestEchelonSmallAgreesWithEchelon(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(11, 13))
	tests := []struct {
		Name     string
		From, To int64
	}{
		{"counts", 0, 5000},
		{"right-hand sides past smallLimit", smallLimit, 1 << 40},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			t.Parallel()
			smallRows, inconsistent := 0, 0
			for range 3000 {
				vars := 1 + rng.IntN(9)
				var eqs []Equation
				for range 1 + rng.IntN(7) {
					var eq Equation
					for v := range vars {
						if c := rng.IntN(3) - 1; c != 0 {
							eq.Terms = append(eq.Terms, Term{Var: v, Coef: int64(c)})
						}
					}
					eq.RHS = tt.From + rng.Int64N(tt.To-tt.From)
					eqs = append(eqs, eq)
				}
				// A sum of two rows depends on them: consistent if its
				// right-hand side is their sum, not if it is off by 1.
				if len(eqs) >= 2 {
					a, b := eqs[0], eqs[1]
					sum := Equation{Terms: append(append([]Term{}, a.Terms...), b.Terms...), RHS: a.RHS + b.RHS}
					if rng.IntN(4) == 0 {
						sum.RHS++
					}
					eqs = append(eqs, sum)
				}
				used := make([]int, vars)
				cols := 0
				for i := range used {
					used[i] = -1
				}
				for _, eq := range eqs {
					for _, tm := range eq.Terms {
						if used[tm.Var] < 0 {
							used[tm.Var] = cols
							cols++
						}
					}
				}
				got, gotErr := echelonOf(eqs, used, cols)

				m := make([][]*big.Rat, len(eqs))
				for i, eq := range eqs {
					m[i] = newRats(cols + 1)
					for _, tm := range eq.Terms {
						c := m[i][used[tm.Var]]
						c.Add(c, big.NewRat(tm.Coef, 1))
					}
					m[i][cols].SetInt64(eq.RHS)
				}
				rank := Echelon(m, cols)
				wantInconsistent := false
				for i := rank; i < len(m); i++ {
					wantInconsistent = wantInconsistent || m[i][cols].Sign() != 0
				}
				if wantInconsistent {
					inconsistent++
					if gotErr != ErrInconsistent {
						t.Fatalf("%v: echelonOf = %v, want ErrInconsistent", eqs, gotErr)
					}
					continue
				}
				if gotErr != nil || len(got) != rank {
					t.Fatalf("%v: echelonOf gave %d rows (%v), want %d", eqs, len(got), gotErr, rank)
				}
				for i := range got {
					if got[i][0].rat == nil {
						smallRows++
					}
					for j := range got[i] {
						if got[i][j].big().Cmp(m[i][j]) != 0 {
							t.Fatalf("%v: row %d column %d is %v, want %v", eqs, i, j, got[i][j].big(), m[i][j])
						}
						if f, _ := m[i][j].Float64(); got[i][j].float() != f {
							t.Fatalf("%v: row %d column %d as a float is %v, want %v", eqs, i, j, got[i][j].float(), f)
						}
					}
				}
			}
			// The cases must have reached both paths and both verdicts.
			if tt.To < smallLimit && smallRows == 0 {
				t.Errorf("no row was reduced in machine integers")
			}
			if tt.From >= smallLimit && smallRows != 0 {
				t.Errorf("%d rows were reduced in machine integers past smallLimit", smallRows)
			}
			if inconsistent == 0 {
				t.Errorf("no system was inconsistent")
			}
		})
	}
}

// TestGCD checks gcd against values worked by hand.
func TestGCD(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ a, b, want uint64 }{
		{0, 7, 7}, {7, 0, 7}, {12, 18, 6}, {17, 5, 1}, {1 << 40, 1 << 20, 1 << 20}, {3 * 1024, 5 * 512, 512},
	} {
		if got := gcd(tt.a, tt.b); got != tt.want {
			t.Errorf("gcd(%d, %d) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestPinnedAgreesWithEchelon finds the pinned columns of random matrices
// of coefficients -1, 0 and 1 (and, past smallLimit, of large ones, which
// Pinned reduces in big.Rat) with Pinned and by reducing them with
// Echelon in big.Rat and taking the rows with one non-zero entry, and
// wants the same columns; and checks a case worked by hand: a + b and b
// alone pin b and, through them, a; c + d pins neither.
func TestPinnedAgreesWithEchelon(t *testing.T) {
	t.Parallel()
	if got := Pinned([][]int64{{1, 1, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 1}}, 4); len(got) != 2 || got[0] != 0 || got[1] != 1 {
		t.Errorf("Pinned = %v, want [0 1]", got)
	}
	rng := rand.New(rand.NewPCG(17, 19))
	found := 0
	for n := range 3000 {
		rows, cols := 1+rng.IntN(7), 1+rng.IntN(9)
		m := make([][]int64, rows)
		rm := make([][]*big.Rat, rows)
		for i := range m {
			m[i] = make([]int64, cols)
			rm[i] = newRats(cols)
			for j := range m[i] {
				m[i][j] = int64(rng.IntN(3) - 1)
				if n%10 == 0 && rng.IntN(4) == 0 {
					m[i][j] = smallLimit + rng.Int64N(1<<20)
				}
				rm[i][j].SetInt64(m[i][j])
			}
		}
		got := Pinned(m, cols)
		var want []int
		for i := range Echelon(rm, cols) {
			lead, count := -1, 0
			for j := range cols {
				if rm[i][j].Sign() != 0 {
					if lead < 0 {
						lead = j
					}
					count++
				}
			}
			if count == 1 {
				want = append(want, lead)
			}
		}
		if len(got) != len(want) {
			t.Fatalf("%v: Pinned = %v, want %v", m, got, want)
		}
		for k := range got {
			if got[k] != want[k] {
				t.Fatalf("%v: Pinned = %v, want %v", m, got, want)
			}
		}
		found += len(got)
	}
	if found == 0 {
		t.Errorf("no random matrix had a pinned column")
	}
}
