package duckdb

import (
	"context"
	"database/sql"
	"math"
	"testing"
)

func closeTo(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

// relClose reports whether got is want to a relative tolerance rel (an
// absolute one where want is 0).
func relClose(got, want, rel float64) bool {
	if want == 0 {
		return math.Abs(got) <= rel
	}
	return math.Abs(got-want) <= rel*math.Abs(want)
}

// phePrecision is the relative tolerance for PHEindicatormethods' own test
// data: testthat's expect_equal passes within about 1.5e-8, and the figures
// here agree far closer than that.
const phePrecision = 1e-12

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

// TestNormalQuantiles checks the z constants against the normal quantile
// computed another way, sqrt(2) erfinv(2p - 1), and against R's qnorm as
// printed to 16 figures (qnorm(0.975) = 1.959963984540054, qnorm(0.999) =
// 3.090232306167813).
func TestNormalQuantiles(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		Name    string
		Got     float64
		P       float64
		Printed float64
	}{
		{"Z95", Z95, 0.975, 1.959963984540054},
		{"Z998", Z998, 0.999, 3.090232306167813},
	} {
		if want := math.Sqrt2 * math.Erfinv(2*tt.P-1); !relClose(tt.Got, want, 1e-15) || !relClose(tt.Got, tt.Printed, 1e-15) {
			t.Errorf("%s = %.17g, want qnorm(%g) = %.17g (erfinv), %.16g (R)", tt.Name, tt.Got, tt.P, want, tt.Printed)
		}
	}
}

// exactPoissonTable holds the exact Poisson limits for 0 to 9 events (lower
// and upper at 95%, then at 99.8%), computed independently of exactPoisson
// with mpmath at 40 digits: bisection on the regularised incomplete gamma
// function, lower = P^-1(o, alpha/2), upper = P^-1(o + 1, 1 - alpha/2),
// which are qchisq(alpha/2, 2o)/2 and qchisq(1 - alpha/2, 2o + 2)/2.
var exactPoissonTable = [ExactPoissonBelow][4]float64{
	{0, 3.6888794541139363, 0, 6.9077552789821371},
	{0.025317807984289875, 5.5716433909388986, 0.0010005003335835335, 9.2334134764515857},
	{0.2422092785439649, 7.2246876677239608, 0.045402017769489557, 11.228872242412663},
	{0.61867212289560129, 8.767273069742326, 0.19053337756840319, 13.062240779188071},
	{1.0898653736263249, 10.241588675403698, 0.42855241362842297, 14.794149222537209},
	{1.6234863901184205, 11.66833207932267, 0.73937173191783252, 16.454745203680107},
	{2.2018942534908508, 13.059474022518685, 1.1071046602556393, 18.06163684019907},
	{2.8143630515198661, 14.422675361702379, 1.5203362603988091, 19.626177395384238},
	{3.4538321767485013, 15.763189220193315, 1.9708139217403658, 21.156198165839983},
	{4.1153730973783324, 17.08480345141917, 2.4524244043637749, 22.657373309062931},
}

// TestExactPoisson checks the 40 exact limits computed in Go against three
// independent sources: closed forms (for 0 events the upper limit is
// -ln(alpha/2), for 1 event the lower is -ln(1 - alpha/2)); the values
// PHEindicatormethods' own tests expect of phe_rate (tests/testthat/
// testdata_Rate.xlsx, sheet testdata_Rate, 1 and 5 events over 100 per
// 100, so the rate's limits are the count's; sheet testdata_Rate_g, 2
// events over 200 per 100,000, 121.10463927198258 to 3612.3438338619794 at
// 95%); and the mpmath table above.
func TestExactPoisson(t *testing.T) {
	t.Parallel()
	got := func(o int) [4]float64 {
		lo95, hi95 := exactPoisson(o, alpha95)
		lo998, hi998 := exactPoisson(o, alpha998)
		return [4]float64{lo95, hi95, lo998, hi998}
	}
	tests := []struct {
		Name string
		O    int
		Want [4]float64
	}{
		{"closed form 0", 0, [4]float64{0, -math.Log(0.025), 0, -math.Log(0.001)}},
		{"PHE 1 event", 1, [4]float64{0.025317807984289897, 5.571643390938898, 1.0005003335835344e-3, 9.2334134764515845}},
		// The sheet has 95% only; NaN marks a limit not tested.
		{"PHE 2 events (rate_g)", 2, [4]float64{121.10463927198258 * 200 / 100000, 3612.3438338619794 * 200 / 100000, math.NaN(), math.NaN()}},
		{"PHE 5 events", 5, [4]float64{1.62348639011842, 11.668332079322669, 0.739371731917839, 16.454745203680105}},
	}
	for _, tt := range tests {
		g := got(tt.O)
		for i, w := range tt.Want {
			if !math.IsNaN(w) && !relClose(g[i], w, phePrecision) {
				t.Errorf("%s: limit %d = %.17g, want %.17g", tt.Name, i, g[i], w)
			}
		}
	}
	if lo := got(1); !relClose(lo[0], -math.Log(0.975), 1e-14) || !relClose(lo[2], -math.Log(0.999), 1e-14) {
		t.Errorf("lower limits for 1 event = %.17g, %.17g; want -ln(0.975), -ln(0.999)", lo[0], lo[2])
	}
	for o, want := range exactPoissonTable {
		g := got(o)
		for i := range want {
			if !relClose(g[i], want[i], 1e-14) {
				t.Errorf("%d events, limit %d = %.17g, want %.17g", o, i, g[i], want[i])
			}
		}
	}
}

// poisson returns poisson_lower and poisson_upper at 95% and 99.8% for o
// events, as the SQL macros compute them with the poisson_exact table.
func poisson(t *testing.T, s *session, o int64) [4]sql.NullFloat64 {
	t.Helper()
	var r [4]sql.NullFloat64
	err := s.conn.QueryRowContext(context.Background(), testSQL(t, "poisson"),
		sql.Named("o", o), sql.Named("z95", Z95), sql.Named("z998", Z998)).Scan(&r[0], &r[1], &r[2], &r[3])
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestRatesPHE checks rates' intervals, exact below 10 events and Byar's
// from 10, against the values PHEindicatormethods' own tests expect of
// phe_rate (tests/testthat/testdata_Rate.xlsx, sheet testdata_Rate: the
// rows per 100, and Area12 per 100,000), at 95% and 99.8%.
func TestRatesPHE(t *testing.T) {
	t.Parallel()
	s := macroSession(t)
	tests := []struct {
		Area       string
		X, N, Mult float64
		Want       [4]float64 // lower95, upper95, lower998, upper998
	}{
		{"Area1", 1, 100, 100, [4]float64{2.5317807984289897e-2, 5.571643390938898, 1.0005003335835344e-3, 9.2334134764515845}},
		{"Area2", 5, 100, 100, [4]float64{1.62348639011842, 11.668332079322669, 0.739371731917839, 16.454745203680105}},
		{"Area3", 20, 100, 100, [4]float64{12.211428834875937, 30.889880369197066, 8.922802365144193, 38.085035625041911}},
		{"Area4", 65, 100, 100, [4]float64{50.163187710459454, 82.849138545939837, 42.880261471480203, 94.000290844318016}},
		{"Area5", 9856, 12345, 100, [4]float64{78.269490589767571, 81.430016542721404, 77.375905432710525, 82.354472770954303}},
		{"Area6", 7776456, 7564336677, 100, [4]float64{0.10273196005302074, 0.10287648334092832, 0.102690317308454, 0.10291817639509068}},
		{"Area7", 222, 3215, 100, [4]float64{6.0265748776526751, 7.8757293708718503, 5.5607376952598537, 8.4610466817334107}},
		{"Area8", 999, 3456, 100, [4]float64{27.141304936090521, 30.755833237378415, 26.162147596445767, 31.845604819822654}},
		{"Area12", 250, 220, 100000, [4]float64{99984.947385328764, 128631.14487455782, 92710.005544389525, 137651.23772147458}},
	}
	for _, tt := range tests {
		t.Run(tt.Area, func(t *testing.T) {
			r := poisson(t, s, int64(tt.X))
			for i, w := range tt.Want {
				if got := r[i].Float64 / tt.N * tt.Mult; !r[i].Valid || !relClose(got, w, phePrecision) {
					t.Errorf("%g/%g x %g: limit %d = %.17g, want %.17g", tt.X, tt.N, tt.Mult, i, got, w)
				}
			}
		})
	}
	if r := poisson(t, s, 0); r[0].Float64 != 0 || r[2].Float64 != 0 || !relClose(r[1].Float64, -math.Log(0.025), 1e-14) {
		t.Errorf("0 events: %v, want 0 to -ln(0.025) at 95%%", r)
	}
}

// TestByarPHE checks Byar's limits against PHEindicatormethods' own test
// data for byars_lower and byars_upper (tests/testthat/
// testdata_Byars_Wilson.xlsx, sheet testdata_B_W). Byar's method is what a
// count of 10 or more gets; the rows for 1 event test the macro alone.
func TestByarPHE(t *testing.T) {
	t.Parallel()
	s := macroSession(t)
	tests := []struct {
		O, Z         float64
		Lower, Upper float64
	}{
		{65, Z95, 50.163187710459454, 82.849138545939837},
		{1045, Z95, 982.59320180733255, 1110.3312129856499},
		{1, Z95, 1.3072132901504351e-2, 5.5637555824752605},
		{65, Z998, 42.880261471480203, 94.000290844318016},
		{1045, Z998, 947.94070356103737, 1148.8061609880331},
		{10, Z998, 2.916318374695686, 24.193724927880535},
	}
	for _, tt := range tests {
		r := interval(t, s, tt.O, 0, tt.Z)
		if !relClose(r[2].Float64, tt.Lower, phePrecision) || !relClose(r[3].Float64, tt.Upper, phePrecision) {
			t.Errorf("byar(%g, z=%g) = %.17g, %.17g; want %.17g, %.17g", tt.O, tt.Z, r[2].Float64, r[3].Float64, tt.Lower, tt.Upper)
		}
	}
	// PHE's sheet leaves the 99.8% lower limit for 1 event blank (the
	// formula is negative there) and gives the upper.
	if r := interval(t, s, 1, 0, Z998); !relClose(r[3].Float64, 9.362180217908362, phePrecision) {
		t.Errorf("byar_upper(1, z998) = %.17g, want 9.362180217908362", r[3].Float64)
	}
}

// TestWilsonPHE checks the Wilson score interval against the values
// PHEindicatormethods' own tests expect: phe_proportion
// (tests/testthat/testdata_Proportion.xlsx, sheet testdata_Prop,
// proportions of 1) and wilson_lower / wilson_upper
// (testdata_Byars_Wilson.xlsx, sheet testdata_B_W, whose 0.445 of 1 tests
// a numerator that is not whole).
func TestWilsonPHE(t *testing.T) {
	t.Parallel()
	s := macroSession(t)
	tests := []struct {
		X, N float64
		Want [4]float64 // lower95, upper95, lower998, upper998
	}{
		{1, 100, [4]float64{1.7674320641406511e-3, 5.4486196178705294e-2, 8.73065697299977e-4, 0.10455445283705821}},
		{5, 100, [4]float64{2.154367915436798e-2, 0.11175046923191911, 1.3865320725997183e-2, 0.16458852282596442}},
		{20, 100, [4]float64{0.1333669333310325, 0.28882916559315885, 0.10519162066711432, 0.3471109417008601}},
		{65, 100, [4]float64{0.55254443296887967, 0.73635751756902468, 0.49549465740704313, 0.77835406140896968}},
		{9856, 12345, [4]float64{0.79121017529090687, 0.80536400736149094, 0.7869924108419063, 0.80930614125896261}},
		{7776456, 7564336677, [4]float64{1.0273201001641094e-3, 1.0287644578977231e-3, 1.0269040118442213e-3, 1.0291812992698397e-3}},
		{222, 3215, [4]float64{6.0791690363636595e-2, 7.8339566813836331e-2, 5.647101964624248e-2, 8.4184141852701344e-2}},
		{999, 3456, [4]float64{0.27418951080009873, 0.30440389662818057, 0.26583995768074953, 0.31344754492799848}},
		{1045, 5000, [4]float64{0.19795549880013297, 0.22049130373189027, 0.19179381799015244, 0.22731562902525818}},
		{0.445, 1, [4]float64{4.3817447720588223e-2, 0.93346212769791559, 1.9347006132900975e-2, 0.97022599470195414}},
	}
	for _, tt := range tests {
		r95, r998 := interval(t, s, tt.X, tt.N, Z95), interval(t, s, tt.X, tt.N, Z998)
		got := [4]float64{r95[0].Float64, r95[1].Float64, r998[0].Float64, r998[1].Float64}
		for i, w := range tt.Want {
			if !relClose(got[i], w, phePrecision) {
				t.Errorf("wilson(%g/%g): limit %d = %.17g, want %.17g", tt.X, tt.N, i, got[i], w)
			}
		}
	}
}

// TestIntervalBand checks PHE's significance rule by hand: an interval
// wholly above the benchmark is higher, wholly below lower, and one that
// holds it, an end touching it included, similar.
func TestIntervalBand(t *testing.T) {
	t.Parallel()
	s := macroSession(t)
	tests := []struct {
		Name                    string
		Lower, Upper, Benchmark any
		Polarity                string
		Want                    string
	}{
		{"above, higher is better", 5.1, 9.0, 5.0, "higher_is_better", "better"},
		{"above, lower is better", 5.1, 9.0, 5.0, "lower_is_better", "worse"},
		{"above, no polarity", 5.1, 9.0, 5.0, "none", "higher"},
		{"below, higher is better", 1.0, 4.9, 5.0, "higher_is_better", "worse"},
		{"below, lower is better", 1.0, 4.9, 5.0, "lower_is_better", "better"},
		{"below, no polarity", 1.0, 4.9, 5.0, "none", "lower"},
		{"holds it", 4.0, 6.0, 5.0, "higher_is_better", "similar"},
		{"lower end on it", 5.0, 6.0, 5.0, "higher_is_better", "similar"},
		{"upper end on it", 4.0, 5.0, 5.0, "lower_is_better", "similar"},
		{"no interval", nil, nil, 5.0, "higher_is_better", "not_compared"},
		{"no benchmark", 4.0, 6.0, nil, "higher_is_better", "not_compared"},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			var got string
			err := s.conn.QueryRowContext(context.Background(), testSQL(t, "interval_band"),
				sql.Named("lower", tt.Lower), sql.Named("upper", tt.Upper), sql.Named("benchmark", tt.Benchmark),
				sql.Named("polarity", tt.Polarity)).Scan(&got)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.Want {
				t.Errorf("interval_band(%v, %v, %v, %s) = %q, want %q", tt.Lower, tt.Upper, tt.Benchmark, tt.Polarity, got, tt.Want)
			}
		})
	}
}
