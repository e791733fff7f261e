package duckdb

import (
	"fmt"
	"testing"

	"github.com/yardstick-open/yardstick/schemas"
)

// missedVisits is a row of hc-missed-visits (a rate per 1,000, lower is
// better, no disclosure control) for a fixture.
func missedVisits(council, provider, period string, x, n int64) obs {
	return obs{Council: council, Provider: provider, Name: "Provider " + provider, Service: "homecare",
		Metric: "hc-missed-visits", Period: period, Num: i64(x), Den: i64(n)}
}

// onTime is a row of hc-visits-on-time (a percentage, higher is better) for
// a fixture.
func onTime(council, provider, period string, x, n int64) obs {
	return obs{Council: council, Provider: provider, Name: "Provider " + provider, Service: "homecare",
		Metric: "hc-visits-on-time", Period: period, Num: i64(x), Den: i64(n)}
}

// buildSmallCounts builds six hc-missed-visits rows for 2024-25-Q1, three
// of them under 10 events:
//
//	A/P1 1/10 (100 per 1,000), A/P2 0/190 (0), B/P1 5/800 (6.25),
//	C/P3 9/2000 (4.5), D/P4 150/20000 (7.5), A/P3 35/10000 (3.5)
//	pooled 200/33000 -> national_value 6.06061 (6.060606...)
func buildSmallCounts(t testing.TB) *DB {
	t.Helper()
	const q1 = "2024-25-Q1"
	cat, err := fixtureCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	return buildFrom(t, cat, []sub{
		{ID: "sa", Council: cA, Received: day("2024-07-10"), Rows: []obs{
			missedVisits(cA, "P1", q1, 1, 10), missedVisits(cA, "P2", q1, 0, 190), missedVisits(cA, "P3", q1, 35, 10000)}},
		{ID: "sb", Council: cB, Received: day("2024-07-11"), Rows: []obs{missedVisits(cB, "P1", q1, 5, 800)}},
		{ID: "sc", Council: cC, Received: day("2024-07-12"), Rows: []obs{missedVisits(cC, "P3", q1, 9, 2000)}},
		{ID: "sd", Council: cD, Received: day("2024-07-13"), Rows: []obs{missedVisits(cD, "P4", q1, 150, 20000)}},
	})
}

// TestComparisonsSmallCounts checks rates with few events against limits
// from independent sources, per 1,000 (limit / n x 1000):
//
//	A/P1, 1 event: PHEindicatormethods' test data for phe_rate (1 event:
//	  95% 0.025317808 to 5.571643391, 99.8% 0.0010005003 to 9.233413476)
//	  -> 95% 2.53178080 to 557.164339; 99.8% 0.100050033 to 923.341348.
//	  Byar's lower limit at 99.8% is negative here, so the old code
//	  published 0, and banded the row worse by its z-score
//	  ((0.1 - t)/sqrt(t/10) = 3.815836, beyond 3.090232) while its own
//	  interval held the national value. The exact interval holds it too:
//	  similar at both levels, and the adjusted band follows.
//	A/P2, 0 events: 0 to -ln(0.025) = 3.688879 (95%), -ln(0.001) =
//	  6.907755 (99.8%) -> 0 to 19.4151550, 0 to 36.3566067; similar
//	B/P1, 5 events: PHE's 1.623486390 to 11.66833208, 0.7393717319 to
//	  16.45474520 -> 2.02935799 to 14.5854151, 0.924214665 to 20.5684315
//	C/P3, 9 events (exact limits from mpmath, see exactPoissonTable):
//	  4.115373097 to 17.08480345, 2.452424404 to 22.65737331 -> 2.05768655
//	  to 8.54240173, 1.22621220 to 11.3286867; similar
//	D/P4, 150 events, Byar's: 95% 150 (1 - 1/1350 - 1.959964/(3 sqrt 150))^3
//	  = 126.954674 to 176.018158 -> 6.34773368 to 8.80090791, wholly above
//	  6.06061: worse at 95%; 99.8% 5.74835406 to 9.59271198: similar
//	A/P3, 35 events, Byar's: 95% 2.43752105 to 4.86780093, 99.8% 1.94898822
//	  to 5.74503280, wholly below: better at both levels
//	percentile ranks, worst first: 100, 7.5, 6.25, 4.5, 3.5, 0 -> 0, 20,
//	  40, 60, 80, 100
//	profile P1 (A and B): 6/810 = 7.40741 per 1,000, 6 events, exact
//	  (mpmath) 2.201894253 to 13.05947402, 1.107104660 to 18.06163684 ->
//	  95% 2.71838797 to 16.1228074, 99.8% 1.36679588 to 22.2983171; similar
func TestComparisonsSmallCounts(t *testing.T) {
	t.Parallel()
	db := buildSmallCounts(t)
	rows := tableRows(t, db, "comparisons")
	tests := []struct {
		Council, Provider string
		Want              row
	}{
		{cA, "P1", row{"value": 100.0, "ci95_lower": 2.53178080, "ci95_upper": 557.164339, "ci998_lower": 0.100050033,
			"ci998_upper": 923.341348, "z_score": 3.81583622, "percentile_rank": 0.0, "band_national": "similar",
			"band_national_95": "similar", "band_national_adjusted": "similar"}},
		{cA, "P2", row{"value": 0.0, "ci95_lower": 0.0, "ci95_upper": 19.4151550, "ci998_lower": 0.0, "ci998_upper": 36.3566067,
			"percentile_rank": 100.0, "band_national": "similar", "band_national_95": "similar"}},
		{cB, "P1", row{"value": 6.25, "ci95_lower": 2.02935799, "ci95_upper": 14.5854151, "ci998_lower": 0.924214665,
			"ci998_upper": 20.5684315, "percentile_rank": 40.0, "band_national": "similar", "band_national_95": "similar"}},
		{cC, "P3", row{"value": 4.5, "ci95_lower": 2.05768655, "ci95_upper": 8.54240173, "ci998_lower": 1.22621220,
			"ci998_upper": 11.3286867, "percentile_rank": 60.0, "band_national": "similar", "band_national_95": "similar"}},
		{cD, "P4", row{"value": 7.5, "ci95_lower": 6.34773368, "ci95_upper": 8.80090791, "ci998_lower": 5.74835406,
			"ci998_upper": 9.59271198, "percentile_rank": 20.0, "band_national": "similar", "band_national_95": "worse",
			"band_national_adjusted": "similar"}},
		{cA, "P3", row{"value": 3.5, "ci95_lower": 2.43752105, "ci95_upper": 4.86780093, "ci998_lower": 1.94898822,
			"ci998_upper": 5.74503280, "percentile_rank": 80.0, "band_national": "better", "band_national_95": "better"}},
	}
	for _, tt := range tests {
		name := tt.Council + "/" + tt.Provider
		r := pick(t, rows, row{"metric": "hc-missed-visits", "council_code": tt.Council, "provider_id": tt.Provider})
		check(t, name, r, row{"national_value": 200.0 / 33000 * 1000, "national_n": 6})
		check(t, name, r, tt.Want)
	}
	p := pick(t, tableRows(t, db, "provider_profile"), row{"provider_id": "P1", "metric": "hc-missed-visits"})
	check(t, "profile P1", p, row{"numerator": 6, "denominator": 810, "value": 6.0 / 810 * 1000,
		"ci95_lower": 2.71838797, "ci95_upper": 16.1228074, "ci998_lower": 1.36679588, "ci998_upper": 22.2983171,
		"band_national": "similar", "band_national_adjusted": "similar"})
}

// TestBandsAgreeWithIntervals scans built releases for a band that
// contradicts the figures published beside it: a row banded better, worse,
// higher or lower whose interval holds the national value, or similar
// whose interval does not, an adjusted band stronger than the unadjusted
// one, and a 95% band weaker than the 99.8% one. The small-counts fixture fails it on the code before
// exact Poisson limits and PHE's rule (A/P1, see TestComparisonsSmallCounts).
func TestBandsAgreeWithIntervals(t *testing.T) {
	t.Parallel()
	for name, build := range map[string]func(testing.TB) *DB{
		"fixture":      buildFixture,
		"small counts": buildSmallCounts,
		"ties":         buildTies,
		"group sizes":  buildGroupSizes,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			checkBandsAgree(t, build(t))
		})
	}
}

// checkBandsAgree fails t for every band in db's comparisons and
// provider_profile that disagrees with the row's published interval and
// national value, and counts the bands it checked.
func checkBandsAgree(t *testing.T, db *DB) {
	t.Helper()
	polarity := map[string]string{}
	for _, m := range tableRows(t, db, "metrics") {
		polarity[m["id"].(string)] = m["polarity"].(string)
	}
	compared := 0
	for _, table := range []string{"comparisons", "provider_profile"} {
		for _, r := range tableRows(t, db, table) {
			key := fmt.Sprintf("%s %v %v %v %v", table, r["metric"], r["period"], r["council_code"], r["provider_id"])
			pol := polarity[r["metric"].(string)]
			checks := [][3]string{{"band_national", "ci998_lower", "ci998_upper"}}
			if table == "comparisons" {
				checks = append(checks, [3]string{"band_national_95", "ci95_lower", "ci95_upper"})
			}
			for _, c := range checks {
				band := r[c[0]].(string)
				if band == "not_compared" {
					continue
				}
				compared++
				lo, okLo := asFloat(r[c[1]])
				hi, okHi := asFloat(r[c[2]])
				bench, okB := asFloat(r["national_value"])
				if !okLo || !okHi || !okB {
					t.Errorf("%s: %s %s without an interval or national value", key, c[0], band)
					continue
				}
				switch dir := bandDirection(band, pol); {
				case dir == 0 && (lo > bench || hi < bench):
					t.Errorf("%s: %s similar, but the interval %v to %v leaves out the national value %v", key, c[0], lo, hi, bench)
				case dir > 0 && lo <= bench, dir < 0 && hi >= bench:
					t.Errorf("%s: %s %s (polarity %s), but the interval %v to %v holds the national value %v", key, c[0], band, pol, lo, hi, bench)
				}
			}
			national, adjusted := r["band_national"].(string), r["band_national_adjusted"].(string)
			if (national == "similar" || national == "not_compared") && adjusted != national ||
				adjusted != "similar" && adjusted != national {
				t.Errorf("%s: band_national_adjusted %s beside band_national %s", key, adjusted, national)
			}
			// The 95% interval lies inside the 99.8% one.
			if b95, ok := r["band_national_95"].(string); ok && national != "similar" && b95 != national {
				t.Errorf("%s: band_national_95 %s beside band_national %s", key, b95, national)
			}
		}
	}
	if compared == 0 {
		t.Error("no band compared: nothing was checked")
	}
}

// bandDirection returns 1 for a band that says the row is above its
// benchmark, -1 below, 0 for similar.
func bandDirection(band, polarity string) int {
	switch {
	case band == "higher", band == "better" && polarity == string(schemas.HigherIsBetter),
		band == "worse" && polarity == string(schemas.LowerIsBetter):
		return 1
	case band == "lower", band == "worse" && polarity == string(schemas.HigherIsBetter),
		band == "better" && polarity == string(schemas.LowerIsBetter):
		return -1
	}
	return 0
}

// buildTies builds groups with tied values:
//
//	hc-missed-visits 2024-25-Q1 (lower is better), six providers of A:
//	  0, 0, 0, 2, 5, 5 per 1,000 (x/1000)
//	hc-missed-visits 2024-25-Q2: five providers of A, all 0/1000
//	hc-visits-on-time 2024-25-Q1 (higher is better): 50, 60, 60, 60, 60, 70
//	  per 100 (x/100)
func buildTies(t testing.TB) *DB {
	t.Helper()
	cat, err := fixtureCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	var rows []obs
	for i, x := range []int64{0, 0, 0, 2, 5, 5} {
		rows = append(rows, missedVisits(cA, fmt.Sprintf("P%d", i+1), "2024-25-Q1", x, 1000))
	}
	for i := range 5 {
		rows = append(rows, missedVisits(cA, fmt.Sprintf("P%d", i+1), "2024-25-Q2", 0, 1000))
	}
	for i, x := range []int64{50, 60, 60, 60, 60, 70} {
		rows = append(rows, onTime(cA, fmt.Sprintf("P%d", i+1), "2024-25-Q1", x, 100))
	}
	return buildFrom(t, cat, []sub{{ID: "sa", Council: cA, Received: day("2024-07-10"), Rows: rows}})
}

// TestPercentileRankTies checks mid-ranks by hand. Rows are put in order
// worst to best and numbered 1 to N; tied rows share the mean r of their
// places, and the rank is 100 (r - 1) / (N - 1).
//
//	missed visits Q1 (lower is better), worst first 5, 5, 2, 0, 0, 0:
//	  the 5s take places 1 and 2, r = 1.5 -> 100 x 0.5 / 5 = 10;
//	  2 takes 3 -> 40; the 0s take 4 to 6, r = 5 -> 80
//	missed visits Q2, five 0s: places 1 to 5, r = 3 -> 100 x 2 / 4 = 50
//	  (with ties at the lowest place they were all 0: the best value
//	  possible, ranked worst)
//	on time (higher is better), worst first 50, 60 x 4, 70: 50 -> 0; the
//	  60s take 2 to 5, r = 3.5 -> 50; 70 -> 100
func TestPercentileRankTies(t *testing.T) {
	t.Parallel()
	rows := tableRows(t, buildTies(t), "comparisons")
	for _, tt := range []struct {
		Metric, Period string
		Ranks          []float64 // by provider P1, P2, ...
	}{
		{"hc-missed-visits", "2024-25-Q1", []float64{80, 80, 80, 40, 10, 10}},
		{"hc-missed-visits", "2024-25-Q2", []float64{50, 50, 50, 50, 50}},
		{"hc-visits-on-time", "2024-25-Q1", []float64{0, 50, 50, 50, 50, 100}},
	} {
		for i, want := range tt.Ranks {
			p := fmt.Sprintf("P%d", i+1)
			r := pick(t, rows, row{"metric": tt.Metric, "period": tt.Period, "provider_id": p})
			check(t, tt.Metric+" "+tt.Period+" "+p, r, row{"percentile_rank": want})
		}
	}
}

// buildGroupSizes builds hc-visits-on-time groups either side of
// schemas.MinGroupRows (5):
//
//	2024-25-Q1, four providers: 10, 50, 50, 90 per 100 (x/100)
//	2024-25-Q2, five providers: 10, 50, 50, 50, 90 per 100
func buildGroupSizes(t testing.TB) *DB {
	t.Helper()
	cat, err := fixtureCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	var rows []obs
	for i, x := range []int64{10, 50, 50, 90} {
		rows = append(rows, onTime(cA, fmt.Sprintf("P%d", i+1), "2024-25-Q1", x, 100))
	}
	for i, x := range []int64{10, 50, 50, 50, 90} {
		rows = append(rows, onTime(cA, fmt.Sprintf("P%d", i+1), "2024-25-Q2", x, 100))
	}
	return buildFrom(t, cat, []sub{{ID: "sa", Council: cA, Received: day("2024-07-10"), Rows: rows}})
}

// TestMinGroupRows checks, by hand, that a group with fewer than
// schemas.MinGroupRows rows with a value has no distribution, ranks or
// bands, and that one with that many has them.
//
//	Q1, 4 rows: pooled 200/400 = 50; no median, quartiles, 10th or 90th
//	  percentile, no ranks, every band not_compared, even for 90/100,
//	  whose z against 0.5 is (0.9 - 0.5)/sqrt(0.25/100) = 8
//	Q2, 5 rows: pooled 250/500 = 50; sorted 10, 50, 50, 50, 90: median 50,
//	  q1 (position 1) 50, q3 (3) 50, p10 (0.4) 10 + 0.4 x 40 = 26,
//	  p90 (3.6) 50 + 0.6 x 40 = 74; ranks 10 -> 0, the 50s (places 2 to
//	  4, r = 3) -> 50, 90 -> 100; 90/100 has z = 8, its Wilson interval
//	  wholly above 50: better; 10/100 worse
func TestMinGroupRows(t *testing.T) {
	t.Parallel()
	if schemas.MinGroupRows != 5 {
		t.Fatalf("MinGroupRows = %d; the cases below are worked for 5", schemas.MinGroupRows)
	}
	db := buildGroupSizes(t)
	bench := tableRows(t, db, "benchmarks")
	check(t, "Q1 benchmark", pick(t, bench, row{"metric": "hc-visits-on-time", "period": "2024-25-Q1"}),
		row{"national_value": 50.0, "national_n": 4, "median": nil, "q1": nil, "q3": nil, "p10": nil, "p90": nil})
	check(t, "Q2 benchmark", pick(t, bench, row{"metric": "hc-visits-on-time", "period": "2024-25-Q2"}),
		row{"national_value": 50.0, "national_n": 5, "median": 50.0, "q1": 50.0, "q3": 50.0, "p10": 26.0, "p90": 74.0})

	rows := tableRows(t, db, "comparisons")
	notCompared := row{"national_median": nil, "national_q1": nil, "national_q3": nil, "percentile_rank": nil,
		"band_national": "not_compared", "band_national_95": "not_compared", "band_national_adjusted": "not_compared",
		"band_region": "not_compared", "band_council_type": "not_compared", "band_similar": "not_compared"}
	for i := range 4 {
		p := fmt.Sprintf("P%d", i+1)
		r := pick(t, rows, row{"period": "2024-25-Q1", "provider_id": p})
		check(t, "Q1 "+p, r, notCompared)
		check(t, "Q1 "+p, r, row{"national_value": 50.0, "national_n": 4})
	}
	for _, tt := range []struct {
		Provider string
		Want     row
	}{
		{"P1", row{"percentile_rank": 0.0, "band_national": "worse", "band_national_95": "worse"}},
		{"P2", row{"percentile_rank": 50.0, "band_national": "similar", "band_national_95": "similar"}},
		{"P5", row{"percentile_rank": 100.0, "band_national": "better", "band_national_95": "better", "z_score": 8.0}},
	} {
		r := pick(t, rows, row{"period": "2024-25-Q2", "provider_id": tt.Provider})
		check(t, "Q2 "+tt.Provider, r, row{"national_median": 50.0, "national_q1": 50.0, "national_q3": 50.0, "national_n": 5})
		check(t, "Q2 "+tt.Provider, r, tt.Want)
	}
	// The providers' profiles pool one council each against the same
	// groups: banded in Q2, not in Q1.
	prof := tableRows(t, db, "provider_profile")
	check(t, "profile P4 Q1", pick(t, prof, row{"provider_id": "P4", "period": "2024-25-Q1"}), row{"band_national": "not_compared"})
	check(t, "profile P5 Q2", pick(t, prof, row{"provider_id": "P5", "period": "2024-25-Q2"}), row{"band_national": "better"})
}

// TestBandOnPublishedFigures checks that a band is decided on the figures
// as published, to six significant figures, so that rounding cannot make
// it contradict them. hc-visits-on-time 2024-25-Q1, A/P1 82/372 beside
// four providers with 5541/34451 between them:
//
//	national 5623/34823 x 100 = 16.14737386; A/P1's 99.8% Wilson interval
//	  (z = 3.090232306) 16.14739498 to 29.33805828
//	at full precision the interval lies above the national value, by
//	  2.1e-5 (z = 3.0902450, just past the limit), but both publish as
//	  16.1474: the interval a reader sees holds the national value, so
//	  band_national is similar
//	at 95% the interval, 18.1281139 up, is wholly above: better
func TestBandOnPublishedFigures(t *testing.T) {
	t.Parallel()
	const q1 = "2024-25-Q1"
	cat, err := fixtureCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	db := buildFrom(t, cat, []sub{{ID: "sa", Council: cA, Received: day("2024-07-10"), Rows: []obs{
		onTime(cA, "P1", q1, 82, 372),
		onTime(cA, "P2", q1, 1385, 8612), onTime(cA, "P3", q1, 1385, 8612), onTime(cA, "P4", q1, 1385, 8612),
		onTime(cA, "P5", q1, 1386, 8615),
	}}})
	r := pick(t, tableRows(t, db, "comparisons"), row{"provider_id": "P1"})
	check(t, "A/P1", r, row{"national_value": 16.14737386, "ci998_lower": 16.14739498, "ci998_upper": 29.33805828,
		"ci95_lower": 18.1281139, "z_score": 3.0902450, "band_national": "similar", "band_national_95": "better",
		"band_national_adjusted": "similar"})
	if r["ci998_lower"] != r["national_value"] {
		t.Errorf("ci998_lower %v, national_value %v: want both published as 16.1474", r["ci998_lower"], r["national_value"])
	}
}
