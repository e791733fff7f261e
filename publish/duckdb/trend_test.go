package duckdb

import "testing"

// trendQuarters are five consecutive quarters, oldest first, and
// trendYears five financial years.
var (
	trendQuarters = []string{"2023-24-Q1", "2023-24-Q2", "2023-24-Q3", "2023-24-Q4", "2024-25-Q1"}
	trendYears    = []string{"2019-20", "2020-21", "2021-22", "2022-23", "2023-24"}
)

// buildTrends builds series of council A's providers over trendQuarters:
//
//	hc-visits-on-time (a proportion, higher is better), x of 100:
//	  P1 50, 55, 60, 65, 70; P2 60 throughout; P3 50, 55, [c], 65, 70;
//	  P4 70, 65, 60, 55, 50; P5 as P1 without 2023-24-Q3; P6 as P1 with
//	  2023-24-Q2 a value (55) without counts; P1 also 70, 65, 60, 55, 50
//	  over trendYears, a series of its own
//	hc-missed-visits (a rate per 1,000, lower is better), x of 1000:
//	  P1 20, 25, 30, 35, 40; P2 10, 20, 30, 40, 50
func buildTrends(t testing.TB) *DB {
	t.Helper()
	cat, err := fixtureCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	var rows []obs
	for i, q := range trendQuarters {
		up := int64(50 + 5*i)
		rows = append(rows,
			onTime(cA, "P1", q, up, 100),
			onTime(cA, "P2", q, 60, 100),
			onTime(cA, "P4", q, 120-up, 100),
			missedVisits(cA, "P1", q, int64(20+5*i), 1000),
			missedVisits(cA, "P2", q, int64(10+10*i), 1000))
		if i == 2 {
			rows = append(rows, obs{Council: cA, Provider: "P3", Name: "Provider P3", Service: "homecare",
				Metric: "hc-visits-on-time", Period: q, Num: i64(up), Den: i64(100), Status: "c"})
		} else {
			rows = append(rows, onTime(cA, "P3", q, up, 100), onTime(cA, "P5", q, up, 100))
		}
		rows = append(rows, onTime(cA, "P1", trendYears[i], 120-up, 100))
		if i == 1 {
			rows = append(rows, obs{Council: cA, Provider: "P6", Name: "Provider P6", Service: "homecare",
				Metric: "hc-visits-on-time", Period: q, Value: f64(float64(up))})
		} else {
			rows = append(rows, onTime(cA, "P6", q, up, 100))
		}
	}
	return buildFrom(t, cat, []sub{{ID: "sa", Council: cA, Received: day("2024-07-10"), Rows: rows}})
}

// TestTrend checks trend and trend_direction against the chi-squared test
// for trend worked by hand, scores t = 1..5, N = sum n, X = sum x, T1 =
// sum x t, T2 = sum n t, T3 = sum n t^2, significant when chi-squared
// exceeds 9.54953 (3.090232^2, 99.8%):
//
//	proportions, chi2 = N (N T1 - X T2)^2 / (X (N - X) (N T3 - T2^2)):
//	  P1 N = 500, X = 300, T1 = 50 + 110 + 180 + 260 + 350 = 950, T2 =
//	    1500, T3 = 5500: N T1 - X T2 = 475000 - 450000 = 25000; chi2 =
//	    500 x 625000000 / (300 x 200 x (2750000 - 2250000)) = 3.125e11 /
//	    3e10 = 10.4167: increasing, better
//	  P4 the same reversed, T1 = 70 + 130 + 180 + 220 + 250 = 850, N T1 -
//	    X T2 = -25000, chi2 10.4167: decreasing, worse
//	  P2 T1 = 60 x 15 = 900, N T1 - X T2 = 450000 - 450000 = 0:
//	    no_significant_change, none
//	  P3 a hidden point, P5 a missing quarter, P6 a point without counts:
//	    not_compared, none (P3's hidden row too)
//	rates, chi2 = (N T1 - X T2)^2 / (X (N T3 - T2^2)), n = 1000:
//	  P1 N = 5000, X = 150, T1 = 20 + 50 + 90 + 140 + 200 = 500, T2 =
//	    15000, T3 = 55000: (2500000 - 2250000)^2 / (150 x (275000000 -
//	    225000000)) = 6.25e10 / 7.5e9 = 8.3333, under 9.5495:
//	    no_significant_change (it would be significant at 95%, 3.84)
//	  P2 T1 = 10 + 40 + 90 + 160 + 250 = 550: (2750000 - 2250000)^2 /
//	    7.5e9 = 2.5e11 / 7.5e9 = 33.3333: increasing, and since fewer
//	    missed visits are better, worse
//
//	years with years: P1's yearly series is P4's, decreasing and worse,
//	whatever its quarters do; 2023-24 (which the quarters fall in) sees
//	only the years
//
// The four earlier quarters have fewer than five points: not_compared.
func TestTrend(t *testing.T) {
	t.Parallel()
	rows := tableRows(t, buildTrends(t), "comparisons")
	const last = "2024-25-Q1"
	for _, tt := range []struct {
		Metric, Provider, Period string
		Trend, Direction         string
	}{
		{"hc-visits-on-time", "P1", last, "increasing", "better"},
		{"hc-visits-on-time", "P4", last, "decreasing", "worse"},
		{"hc-visits-on-time", "P2", last, "no_significant_change", "none"},
		{"hc-visits-on-time", "P3", last, "not_compared", "none"},
		{"hc-visits-on-time", "P3", "2023-24-Q3", "not_compared", "none"},
		{"hc-visits-on-time", "P5", last, "not_compared", "none"},
		{"hc-visits-on-time", "P6", last, "not_compared", "none"},
		{"hc-missed-visits", "P1", last, "no_significant_change", "none"},
		{"hc-missed-visits", "P2", last, "increasing", "worse"},
		{"hc-visits-on-time", "P1", "2023-24", "decreasing", "worse"},
		{"hc-visits-on-time", "P1", "2022-23", "not_compared", "none"},
	} {
		name := tt.Metric + " " + tt.Provider + " " + tt.Period
		check(t, name, pick(t, rows, row{"metric": tt.Metric, "period": tt.Period, "provider_id": tt.Provider}),
			row{"trend": tt.Trend, "trend_direction": tt.Direction})
	}
	for _, q := range trendQuarters[:4] {
		for _, p := range []string{"P1", "P2", "P4"} {
			check(t, "hc-visits-on-time "+p+" "+q, pick(t, rows, row{"metric": "hc-visits-on-time", "period": q, "provider_id": p}),
				row{"trend": "not_compared", "trend_direction": "none"})
		}
	}
}
