package duckdb

import (
	"context"
	"database/sql"
	"math"
	"testing"
)

func closeTo(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

// interval returns wilson_lower, wilson_upper, byar_lower and byar_upper
// for x (and n) at z, as the SQL macros compute them.
func interval(t *testing.T, s *session, x, n, z float64) [4]sql.NullFloat64 {
	t.Helper()
	var r [4]sql.NullFloat64
	err := s.conn.QueryRowContext(context.Background(), testSQL(t, "intervals"),
		sql.Named("x", x), sql.Named("n", n), sql.Named("z", z)).Scan(&r[0], &r[1], &r[2], &r[3])
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func macroSession(t *testing.T) *session {
	t.Helper()
	s := testSession(t, openTest(t))
	if err := s.createMacros(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestWilsonPublishedValues checks the Wilson score interval against the
// values Newcombe published for his examples (R. G. Newcombe, "Two-sided
// confidence intervals for the single proportion: comparison of seven
// methods", Stat Med 1998;17:857-872, Table I, method 3, to 4 places), and
// the 99.8% limits against the score formula worked by hand:
//
//	81/263 at z = 3.090232: z^2 = 9.549534
//	centre = (81 + z^2/2) / (263 + z^2) = 85.774767 / 272.549534 = 0.314712
//	half   = z sqrt(81*182/263 + z^2/4) / (263 + z^2)
//	       = 3.090232 * sqrt(56.053232 + 2.387384) / 272.549534 = 0.086677
//	limits = 0.228036, 0.401389
func TestWilsonPublishedValues(t *testing.T) {
	t.Parallel()
	s := macroSession(t)
	tests := []struct {
		Name         string
		X, N, Z      float64
		Lower, Upper float64
		Tol          float64
	}{
		{"Newcombe 81/263", 81, 263, Z95, 0.2553, 0.3662, 5e-5},
		{"Newcombe 15/148", 15, 148, Z95, 0.0624, 0.1605, 5e-5},
		{"Newcombe 0/20", 0, 20, Z95, 0.0000, 0.1611, 5e-5},
		{"Newcombe 1/29", 1, 29, Z95, 0.0061, 0.1718, 5e-5},
		{"hand 81/263 at 99.8%", 81, 263, Z998, 0.228036, 0.401389, 1e-6},
		// 65/100 at 95%: centre (65 + 1.920765)/(103.841459) = 0.644451,
		// half 1.959964 sqrt(22.75 + 0.960382)/103.841459 = 0.091907.
		{"hand 65/100", 65, 100, Z95, 0.552544, 0.736358, 1e-6},
		// x = n: the upper limit is exactly 1.
		{"all", 20, 20, Z95, 0.838875, 1, 1e-6},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			r := interval(t, s, tt.X, tt.N, tt.Z)
			if !r[0].Valid || !closeTo(r[0].Float64, tt.Lower, tt.Tol) || !r[1].Valid || !closeTo(r[1].Float64, tt.Upper, tt.Tol) {
				t.Errorf("wilson(%g/%g, z=%g) = %v, %v; want %g, %g", tt.X, tt.N, tt.Z, r[0], r[1], tt.Lower, tt.Upper)
			}
		})
	}
	// At x = n and x = 0 the limits are 1 and 0 exactly; the formula in
	// floating point can land a hair outside, as 100.00000000000003%.
	t.Run("bounds", func(t *testing.T) {
		for _, xn := range [][2]float64{{1, 1}, {3, 3}, {17, 17}, {255, 255}, {1234567, 1234567}, {0, 7}, {0, 99991}} {
			for _, z := range []float64{Z95, Z998} {
				r := interval(t, s, xn[0], xn[1], z)
				if r[1].Float64 > 1 || r[0].Float64 < 0 {
					t.Errorf("wilson(%g/%g, z=%g) = [%.17g, %.17g], outside [0, 1]", xn[0], xn[1], z, r[0].Float64, r[1].Float64)
				}
				if xn[0] == xn[1] && r[1].Float64 != 1 {
					t.Errorf("wilson(%g/%g) upper = %.17g, want 1", xn[0], xn[1], r[1].Float64)
				}
			}
		}
	})
	t.Run("undefined", func(t *testing.T) {
		for _, xn := range [][2]float64{{1, 0}, {5, 4}, {-1, 4}} {
			r := interval(t, s, xn[0], xn[1], Z95)
			if r[0].Valid || r[1].Valid {
				t.Errorf("wilson(%g/%g) = %v, %v; want NULL", xn[0], xn[1], r[0], r[1])
			}
		}
	})
}

// TestByarAgainstExactPoisson checks Byar's limits two ways: against the
// formula worked by hand, and against the exact (Garwood) Poisson limits
// that Byar's method approximates (Garwood 1936: chi2(a/2, 2O)/2 and
// chi2(1-a/2, 2O+2)/2), found here by bisection on the Poisson distribution
// function outside this package; for 65 events at 95% they are 50.17 to
// 82.85, as printed in statistical tables.
//
// By hand, 65 at z = 1.959964:
//
//	lower = 65 (1 - 1/585 - 1.959964/(3 sqrt 65))^3
//	      = 65 (1 - 0.0017094 - 0.0810342)^3 = 65 * 0.9172564^3 = 50.1632
//	upper = 66 (1 - 1/594 + 1.959964/(3 sqrt 66))^3
//	      = 66 (1 - 0.0016835 + 0.0804183)^3 = 66 * 1.0787348^3 = 82.8491
func TestByarAgainstExactPoisson(t *testing.T) {
	t.Parallel()
	s := macroSession(t)
	tests := []struct {
		Name         string
		O, Z         float64
		Lower, Upper float64 // Byar by hand
		ExactLower   float64 // Garwood exact Poisson limits
		ExactUpper   float64
	}{
		{"65 at 95%", 65, Z95, 50.1632, 82.8491, 50.1656, 82.8478},
		{"1045 at 95%", 1045, Z95, 982.5932, 1110.3312, 982.5937, 1110.3308},
		{"10 at 95%", 10, Z95, 4.7874, 18.3915, 4.7954, 18.3904},
		{"65 at 99.8%", 65, Z998, 42.8803, 94.0003, 42.9018, 93.9763},
		{"10 at 99.8%", 10, Z998, 2.9163, 24.1937, 2.9605, 24.1340},
		// O = 0: the lower limit is 0; the upper is 1 (1 - 1/9 + z/3)^3.
		{"0 at 95%", 0, Z95, 0, 3.6680, 0, 3.6889},
		// O = 1 at 99.8%: the formula goes negative (-0.0028); held at 0.
		{"1 at 99.8%", 1, Z998, 0, 9.3622, 0.0010, 9.2334},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			r := interval(t, s, tt.O, 0, tt.Z)
			lo, hi := r[2].Float64, r[3].Float64
			if !closeTo(lo, tt.Lower, 1e-4) || !closeTo(hi, tt.Upper, 1e-4) {
				t.Errorf("byar(%g, z=%g) = %.4f, %.4f; want %.4f, %.4f", tt.O, tt.Z, lo, hi, tt.Lower, tt.Upper)
			}
			// Byar is within 2% of the exact limits from 10 events on.
			if tt.O >= 10 && (math.Abs(lo-tt.ExactLower) > 0.02*tt.ExactLower || math.Abs(hi-tt.ExactUpper) > 0.02*tt.ExactUpper) {
				t.Errorf("byar(%g, z=%g) = %.4f, %.4f; exact Poisson %.4f, %.4f", tt.O, tt.Z, lo, hi, tt.ExactLower, tt.ExactUpper)
			}
		})
	}
}

func TestBand(t *testing.T) {
	t.Parallel()
	s := macroSession(t)
	tests := []struct {
		Name     string
		Z        any
		Polarity string
		Want     string
	}{
		{"high, higher is better", 3.2, "higher_is_better", "better"},
		{"high, lower is better", 3.2, "lower_is_better", "worse"},
		{"high, no polarity", 3.2, "none", "higher"},
		{"low, higher is better", -3.2, "higher_is_better", "worse"},
		{"low, lower is better", -3.2, "lower_is_better", "better"},
		{"low, no polarity", -3.2, "none", "lower"},
		{"inside", 3.0, "higher_is_better", "similar"},
		{"on the limit", Z998, "higher_is_better", "similar"},
		{"no z", nil, "higher_is_better", "not_compared"},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			var got string
			err := s.conn.QueryRowContext(context.Background(), testSQL(t, "band"),
				sql.Named("z", tt.Z), sql.Named("lim", Z998), sql.Named("polarity", tt.Polarity)).Scan(&got)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.Want {
				t.Errorf("band(%v, %s) = %q, want %q", tt.Z, tt.Polarity, got, tt.Want)
			}
		})
	}
}
