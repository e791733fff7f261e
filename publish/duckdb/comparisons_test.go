package duckdb

import (
	"context"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

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
		"sectors":      buildSectors,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			checkBandsAgree(t, build(t))
		})
	}
}

// checkBandsAgree fails t for every band in db's comparisons,
// provider_profile and sector_benchmarks that disagrees with the row's
// published interval and national value, and counts the bands it checked.
func checkBandsAgree(t *testing.T, db *DB) {
	t.Helper()
	polarity := map[string]string{}
	for _, m := range tableRows(t, db, "metrics") {
		polarity[m["id"].(string)] = m["polarity"].(string)
	}
	compared := 0
	for _, table := range []string{"comparisons", "provider_profile", "sector_benchmarks"} {
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
			national := r["band_national"].(string)
			adjusted, ok := r["band_national_adjusted"].(string)
			if !ok { // sector_benchmarks has no adjusted band
				continue
			}
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

// socialValue is a row of social-value (a ratio in percent: pounds of
// social value over pounds of contract value, higher is better) for a
// fixture.
func socialValue(council, provider, period string, x, n int64) obs {
	return obs{Council: council, Provider: provider, Name: "Provider " + provider, Service: "homecare",
		Metric: "social-value", Period: period, Num: i64(x), Den: i64(n)}
}

// buildNoSamplingModel builds groups of metrics without a sampling model,
// all 2024-25-Q1 providers of council A:
//
//	social-value (a ratio, higher is better), ten rows, the value worked
//	  out from the counts: 1000/100000 (1%), 400/20000 (2%), 2000/100000
//	  (2%), 400/10000 (4%), then 5000 to 10000 of 100000 (5% to 10%)
//	price-per-hour (a mean, polarity none), five values: 18, 20, 22, 24, 30
func buildNoSamplingModel(t testing.TB) *DB {
	t.Helper()
	const q1 = "2024-25-Q1"
	cat, err := fixtureCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	rows := []obs{
		socialValue(cA, "P1", q1, 1000, 100000), socialValue(cA, "P2", q1, 400, 20000),
		socialValue(cA, "P3", q1, 2000, 100000), socialValue(cA, "P4", q1, 400, 10000),
	}
	for i := range 6 {
		rows = append(rows, socialValue(cA, fmt.Sprintf("P%d", i+5), q1, int64(5000+1000*i), 100000))
	}
	for i, v := range []float64{18, 20, 22, 24, 30} {
		rows = append(rows, obs{Council: cA, Provider: fmt.Sprintf("P%d", i+1), Service: "homecare",
			Metric: "price-per-hour", Period: q1, Value: f64(v)})
	}
	return buildFrom(t, cat, []sub{{ID: "sa", Council: cA, Received: day("2024-07-10"), Rows: rows}})
}

// TestNoSamplingModel checks, by hand, that a ratio and a mean get no
// interval, z-score or band, and are benchmarked by quintile and by their
// distance from the median in MADs.
//
//	social-value values, by provider P1 to P10: 1, 2, 2, 4, 5, 6, 7, 8,
//	  9, 10 (%)
//	national value: the mean, 54 / 10 = 5.4 (pooled, 48800 / 830000 would
//	  be 5.879518: a ratio's counts are pounds, not events, and are not
//	  pooled)
//	quintile: p = (rows worse + half the rows equal, itself included) / 10,
//	  quintile 5 - floor(5 p): 1 -> p 0.05, 5; the two 2s -> (1 + 1) / 10
//	  = 0.2, 5 - 1 = 4; 4 -> 0.35, 4; 5 -> 0.45, 3; 6 -> 0.55, 3; 7 ->
//	  0.65, 2; 8 -> 0.75, 2; 9 -> 0.85, 1; 10 -> 0.95, 1
//	median (5 + 6) / 2 = 5.5; |value - 5.5|: 4.5 3.5 3.5 1.5 0.5 0.5 1.5
//	  2.5 3.5 4.5, sorted 0.5 0.5 1.5 1.5 2.5 | 3.5 3.5 3.5 4.5 4.5, MAD
//	  (2.5 + 3.5) / 2 = 3; robust_z: 1 -> -1.5, 2 -> -1.16667, 4 -> -0.5,
//	  6 -> 0.166667, 10 -> 1.5
//	price-per-hour 18, 20, 22, 24, 30: mean 22.8, median 22, |dev| 4 2 0
//	  2 8, MAD 2; robust_z 18 -> -2, 30 -> 4; no quintile (polarity none)
func TestNoSamplingModel(t *testing.T) {
	t.Parallel()
	db := buildNoSamplingModel(t)
	rows := tableRows(t, db, "comparisons")
	noModel := row{"ci95_lower": nil, "ci95_upper": nil, "ci998_lower": nil, "ci998_upper": nil, "z_score": nil,
		"band_national": "not_compared", "band_national_95": "not_compared", "band_national_adjusted": "not_compared",
		"band_region": "not_compared", "band_council_type": "not_compared", "band_similar": "not_compared",
		"region_value": nil, "council_type_value": nil, "similar_value": nil}
	for _, tt := range []struct {
		Provider string
		Want     row
	}{
		{"P1", row{"value": 1.0, "quintile": 5, "robust_z": -1.5}},
		{"P2", row{"value": 2.0, "quintile": 4, "robust_z": -1.16667}},
		{"P3", row{"value": 2.0, "quintile": 4, "robust_z": -1.16667}},
		{"P4", row{"value": 4.0, "quintile": 4, "robust_z": -0.5}},
		{"P5", row{"value": 5.0, "quintile": 3}},
		{"P6", row{"value": 6.0, "quintile": 3, "robust_z": 0.166667}},
		{"P7", row{"value": 7.0, "quintile": 2}},
		{"P8", row{"value": 8.0, "quintile": 2}},
		{"P9", row{"value": 9.0, "quintile": 1}},
		{"P10", row{"value": 10.0, "quintile": 1, "robust_z": 1.5}},
	} {
		r := pick(t, rows, row{"metric": "social-value", "provider_id": tt.Provider})
		check(t, "social value "+tt.Provider, r, tt.Want)
		check(t, "social value "+tt.Provider, r, noModel)
		check(t, "social value "+tt.Provider, r, row{"national_value": 5.4, "national_median": 5.5, "national_n": 10})
	}
	for _, tt := range []struct {
		Provider string
		RobustZ  float64
	}{{"P1", -2}, {"P3", 0}, {"P5", 4}} {
		r := pick(t, rows, row{"metric": "price-per-hour", "provider_id": tt.Provider})
		check(t, "price "+tt.Provider, r, noModel)
		check(t, "price "+tt.Provider, r, row{"national_value": 22.8, "quintile": nil, "robust_z": tt.RobustZ})
	}
	b := pick(t, tableRows(t, db, "benchmarks"), row{"metric": "social-value"})
	check(t, "social value benchmark", b, row{"national_value": 5.4, "target": nil, "n_pooled": 0, "phi": nil, "tau2": nil})
	for _, f := range tableRows(t, db, "funnel_limits") {
		if f["metric"] == "social-value" || f["metric"] == "price-per-hour" {
			t.Errorf("funnel limits for %v, which has no sampling model", f["metric"])
		}
	}
}

// TestQuintileAndRobustZSmallGroups checks the groups of buildGroupSizes
// (hc-visits-on-time, higher is better): with four rows nothing; with
// five, 10, 50, 50, 50, 90: 10 -> p = 0.5 / 5 = 0.1, quintile 5; the 50s
// -> (1 + 1.5) / 5 = 0.5, 5 - 2 = 3; 90 -> 0.9, 1. The median is 50 and
// |value - 50| is 40, 0, 0, 0, 40: the MAD is 0, so there is no robust z.
func TestQuintileAndRobustZSmallGroups(t *testing.T) {
	t.Parallel()
	rows := tableRows(t, buildGroupSizes(t), "comparisons")
	for i := range 4 {
		p := fmt.Sprintf("P%d", i+1)
		check(t, "Q1 "+p, pick(t, rows, row{"period": "2024-25-Q1", "provider_id": p}),
			row{"quintile": nil, "robust_z": nil, "similar_rank": nil, "similar_n": nil})
	}
	for p, q := range map[string]int{"P1": 5, "P2": 3, "P3": 3, "P4": 3, "P5": 1} {
		check(t, "Q2 "+p, pick(t, rows, row{"period": "2024-25-Q2", "provider_id": p}), row{"quintile": q, "robust_z": nil})
	}
}

// TestComparedValues checks the pooled values each row is compared with,
// and its place among its similar councils, on buildFixture
// (hc-visits-on-time 2024-25-Q1, worked in TestComparisonsProportion):
//
//	region_value: North West (A, B) 275/350 = 78.5714; Yorkshire (C, D)
//	  870/1300 = 66.9231
//	council_type_value: unitary (A, B, C) 875/1350 = 64.8148;
//	  metropolitan district (D) 270/300 = 90
//	similar_value (without the council): A <- D, C 870/1300 = 66.9231;
//	  B <- A, D 500/600 = 83.3333; C <- A, D 500/600 = 83.3333; D <- A, C
//	  830/1300 = 63.8462
//	similar_rank among the rows with a value of the council and its
//	  similar councils, best first, ties sharing the better place:
//	  A, C, D: D/P4 90, A/P1 80, A/P2 75, C/P3 60 -> A/P1 2 of 4, A/P2 3,
//	  C/P3 4 of 4 (C's set is also A, C, D), D/P4 1 of 4 (D's is A, C, D)
//	  B, A, D: B/P1 90 and D/P4 90 share 1, A/P1 80 3, A/P2 75 4, B/P6 70
//	  5 -> B/P1 1 of 5, B/P6 5 of 5
//	B/P6 gives a value without counts, so it adds nothing to a pool but
//	  is compared with them; D/P5 is hidden, so it has none of them. A's
//	  council-wide row is alone in its group (fewer than 5 rows): no rank.
func TestComparedValues(t *testing.T) {
	t.Parallel()
	rows := tableRows(t, buildFixture(t), "comparisons")
	for _, tt := range []struct {
		Council, Provider string
		Want              row
	}{
		{cA, "P1", row{"region_value": 78.5714, "council_type_value": 64.8148, "similar_value": 66.9231, "similar_rank": 2, "similar_n": 4}},
		{cA, "P2", row{"region_value": 78.5714, "similar_rank": 3, "similar_n": 4}},
		{cB, "P1", row{"region_value": 78.5714, "council_type_value": 64.8148, "similar_value": 83.3333, "similar_rank": 1, "similar_n": 5}},
		{cB, "P6", row{"region_value": 78.5714, "similar_value": 83.3333, "similar_rank": 5, "similar_n": 5}},
		{cC, "P3", row{"region_value": 66.9231, "council_type_value": 64.8148, "similar_value": 83.3333, "similar_rank": 4, "similar_n": 4}},
		{cD, "P4", row{"region_value": 66.9231, "council_type_value": 90.0, "similar_value": 63.8462, "similar_rank": 1, "similar_n": 4}},
		{cD, "P5", row{"region_value": nil, "council_type_value": nil, "similar_value": nil, "similar_rank": nil, "similar_n": nil,
			"quintile": nil, "robust_z": nil, "change_prev_band": "not_compared", "change_year_band": "not_compared"}},
		{cA, "", row{"region_value": 76.6667, "similar_rank": nil, "similar_n": nil, "quintile": nil}},
	} {
		r := pick(t, rows, row{"metric": "hc-visits-on-time", "period": "2024-25-Q1", "council_code": tt.Council, "provider_id": tt.Provider})
		check(t, tt.Council+"/"+tt.Provider, r, tt.Want)
	}
}

// buildChanges builds two quarters for testing whether a change is
// significant, all providers of council A:
//
//	hc-missed-visits (a rate, lower is better), Q1 -> Q2:
//	  P1 10/1000 -> 30/1000, P2 10/1000 -> 25/1000
//	hc-visits-on-time (a proportion, higher is better), Q1 -> Q2:
//	  P1 60/100 -> 90/100, P2 0/100 -> 0/100, P3 90/100 -> 60/100,
//	  P4 a value alone (70) -> 75/100
func buildChanges(t testing.TB) *DB {
	t.Helper()
	const q1, q2 = "2024-25-Q1", "2024-25-Q2"
	cat, err := fixtureCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	rows := []obs{
		missedVisits(cA, "P1", q1, 10, 1000), missedVisits(cA, "P1", q2, 30, 1000),
		missedVisits(cA, "P2", q1, 10, 1000), missedVisits(cA, "P2", q2, 25, 1000),
		onTime(cA, "P1", q1, 60, 100), onTime(cA, "P1", q2, 90, 100),
		onTime(cA, "P2", q1, 0, 100), onTime(cA, "P2", q2, 0, 100),
		onTime(cA, "P3", q1, 90, 100), onTime(cA, "P3", q2, 60, 100),
		{Council: cA, Provider: "P4", Service: "homecare", Metric: "hc-visits-on-time", Period: q1, Value: f64(70)},
		onTime(cA, "P4", q2, 75, 100),
	}
	return buildFrom(t, cat, []sub{{ID: "sa", Council: cA, Received: day("2024-07-10"), Rows: rows}})
}

// TestChangeBands checks change_prev_band by hand, with the score test of
// no change at 99.8% (|z| > 3.090232):
//
//	rates, pooled r = (x1 + x0) / (n1 + n0), z = (x1/n1 - x0/n0) /
//	  sqrt(r (1/n1 + 1/n0)):
//	  P1 r = 40/2000 = 0.02, z = 0.02 / sqrt(0.02 x 0.002) = 0.02 /
//	    0.00632456 = 3.16228: worse (more missed visits)
//	  P2 r = 35/2000 = 0.0175, z = 0.015 / sqrt(0.0175 x 0.002) = 0.015 /
//	    0.00591608 = 2.53546: similar
//	proportions, pooled p, z = (p1 - p0) / sqrt(p (1 - p) (1/n1 + 1/n0)):
//	  P1 p = 150/200 = 0.75, z = 0.3 / sqrt(0.1875 x 0.02) = 0.3 /
//	    0.0612372 = 4.89898: better
//	  P2 p = 0: no change, similar
//	  P3 z = -4.89898: worse
//	  P4 no counts in Q1: not_compared, though change_prev is 5
//	Q1 has no previous period in the release, and Q2 no year-earlier
//	one: not_compared.
func TestChangeBands(t *testing.T) {
	t.Parallel()
	rows := tableRows(t, buildChanges(t), "comparisons")
	for _, tt := range []struct {
		Metric, Provider string
		Want             row
	}{
		{"hc-missed-visits", "P1", row{"change_prev": 20.0, "change_prev_band": "worse"}},
		{"hc-missed-visits", "P2", row{"change_prev": 15.0, "change_prev_band": "similar"}},
		{"hc-visits-on-time", "P1", row{"change_prev": 30.0, "change_prev_band": "better"}},
		{"hc-visits-on-time", "P2", row{"change_prev": 0.0, "change_prev_band": "similar"}},
		{"hc-visits-on-time", "P3", row{"change_prev": -30.0, "change_prev_band": "worse"}},
		{"hc-visits-on-time", "P4", row{"change_prev": 5.0, "change_prev_band": "not_compared"}},
	} {
		name := tt.Metric + " " + tt.Provider
		check(t, name, pick(t, rows, row{"metric": tt.Metric, "period": "2024-25-Q2", "provider_id": tt.Provider}), tt.Want)
		check(t, name, pick(t, rows, row{"metric": tt.Metric, "period": "2024-25-Q2", "provider_id": tt.Provider}),
			row{"change_year_band": "not_compared"})
		check(t, name+" Q1", pick(t, rows, row{"metric": tt.Metric, "period": "2024-25-Q1", "provider_id": tt.Provider}),
			row{"change_prev_band": "not_compared", "change_year_band": "not_compared"})
	}
}

// TestSectorBenchmarks checks sector_benchmarks by hand: hc-visits-on-time
// 2024-25-Q1, providers of council A, P1 to P5 private and P6 to P10
// voluntary, 80/100 and 60/100 each, P11 public 70/100, P12 without a
// sector 90/100.
//
//	national (providers): (400 + 300 + 70 + 90) / 1200 = 71.6667
//	private 400/500 = 80: Wilson (p + z^2/2n +/- z sqrt(p(1-p)/n +
//	  z^2/4n^2)) / (1 + z^2/n): 95% 76.2711 to 83.2715, 99.8% 73.9330 to
//	  84.9425, wholly above: better
//	voluntary 300/500 = 60: 95% 55.6454 to 64.2021, 99.8% 53.1034 to
//	  66.5218, wholly below: worse
//	public 70/100, one row (fewer than 5): not_compared
//	P12 has no sector: in no row
func TestSectorBenchmarks(t *testing.T) {
	t.Parallel()
	const q1 = "2024-25-Q1"
	got := tableRows(t, buildSectors(t), "sector_benchmarks")
	if len(got) != 3 {
		t.Fatalf("sector_benchmarks has %d rows, want 3 (private, public, voluntary): %v", len(got), got)
	}
	national := row{"metric": "hc-visits-on-time", "period": q1, "service": "homecare", "national_value": 71.6666667}
	for _, tt := range []struct {
		Sector string
		Want   row
	}{
		{"private", row{"n_rows": 5, "n_providers": 5, "n_councils": 1, "numerator": 400, "denominator": 500, "value": 80.0,
			"ci95_lower": 76.2710895, "ci95_upper": 83.2714501, "ci998_lower": 73.9330480, "ci998_upper": 84.9424840,
			"band_national": "better"}},
		{"voluntary", row{"n_rows": 5, "numerator": 300, "denominator": 500, "value": 60.0,
			"ci95_lower": 55.6454123, "ci95_upper": 64.2021009, "ci998_lower": 53.1033530, "ci998_upper": 66.5218243,
			"band_national": "worse"}},
		{"public", row{"n_rows": 1, "value": 70.0, "band_national": "not_compared"}},
	} {
		r := pick(t, got, row{"sector": tt.Sector})
		check(t, tt.Sector, r, national)
		check(t, tt.Sector, r, tt.Want)
	}
}

// buildSectors builds the providers of TestSectorBenchmarks.
func buildSectors(t testing.TB) *DB {
	t.Helper()
	const q1 = "2024-25-Q1"
	cat, err := fixtureCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	var rows []obs
	for i := range 12 {
		o := onTime(cA, fmt.Sprintf("P%d", i+1), q1, 80, 100)
		switch {
		case i < 5:
			o.Sector = "private"
		case i < 10:
			o.Sector, o.Num = "voluntary", i64(60)
		case i == 10:
			o.Sector, o.Num = "public", i64(70)
		default:
			o.Num = i64(90)
		}
		rows = append(rows, o)
	}
	return buildFrom(t, cat, []sub{{ID: "sa", Council: cA, Received: day("2024-07-10"), Rows: rows}})
}

// TestSectorBandNeedsCounts gives the private sector five providers, of
// which only one gives counts (300 of 1,000; the others a value of 95 and
// no counts): the sector's value and interval rest on that one provider,
// so it is not banded, though five rows have a value. The voluntary
// sector's five providers all give counts (800 of 1,000 each) and are.
func TestSectorBandNeedsCounts(t *testing.T) {
	t.Parallel()
	cat, err := fixtureCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	const q = "2024-25-Q1"
	r := onTime(cA, "P1", q, 300, 1000)
	r.Sector = "private"
	rows := []obs{r}
	for i := 2; i <= 5; i++ {
		rows = append(rows, obs{Council: cA, Provider: fmt.Sprint("P", i), Name: "x", Sector: "private", Service: "homecare",
			Metric: "hc-visits-on-time", Period: q, Value: f64(95)})
	}
	for i := 6; i <= 10; i++ {
		o := onTime(cA, fmt.Sprint("P", i), q, 800, 1000)
		o.Sector = "voluntary"
		rows = append(rows, o)
	}
	db := buildFrom(t, cat, []sub{{ID: "sa", Council: cA, Received: day("2024-07-10"), Rows: rows}})
	got := tableRows(t, db, "sector_benchmarks")
	check(t, "private", pick(t, got, row{"sector": "private"}), row{"n_rows": 5, "value": 30.0, "band_national": "not_compared"})
	if b := pick(t, got, row{"sector": "voluntary"})["band_national"]; b == "not_compared" {
		t.Errorf("voluntary: band_national %v, want a band: five providers give counts", b)
	}
}

// TestComparisonsSimilarPerResponsibility checks that a row is compared
// with its council's similar councils for the responsibility its service
// needs, on the register of TestNearestNeighboursResponsibility (two
// neighbours each): U's waste-collection list is the districts N1 and N2,
// its social-care list the county K and the unitary U2. With one list
// drawn from councils holding both responsibilities, U's only neighbour
// was U2, whose figures (90%) both comparisons below would have used.
//
// waste-recycling-rate (waste-collection, a proportion, higher is
// better), provider rows of 1,000 each:
//
//	U/W1 300 (30%), U/W2 500 (50%), U2/W3 900, N1/W4 600, N2/W5 200
//	U  <- N1, N2: (600 + 200) / 2000 = 40%; U's set U, N1, N2 holds 60,
//	      50, 30, 20: U/W1 3rd of 4, U/W2 2nd. 99.8% Wilson intervals:
//	      300/1000 [0.256, 0.348] wholly below 40%: worse; 500/1000
//	      [0.451, 0.549] wholly above: better
//	N1 <- N2, U: (200 + 300 + 500) / 3000 = 33.3333%; N1/W4 1st of 4
//	U2 <- U, N1: (300 + 500 + 600) / 3000 = 46.6667%
//
// hc-visits-on-time (homecare, social care), provider rows of 1,000:
//
//	U/H1 700, U/H2 800, U2/H3 900, K/H4 600, K/H5 500
//	U  <- K, U2: (600 + 500 + 900) / 3000 = 66.6667%; U/H1 3rd of 5
//	K  <- U, U2: (700 + 800 + 900) / 3000 = 80%; K/H4 4th of 5
//	U2 <- U, K: (700 + 800 + 600 + 500) / 4000 = 65%; U2/H3 1st of 5
func TestComparisonsSimilarPerResponsibility(t *testing.T) {
	t.Parallel()
	const q1 = "2024-25-Q1"
	cs, err := schemas.LoadCouncils(fstest.MapFS{
		"mysociety_uk_local_authorities.csv":    {Data: []byte(responsibilityCouncilsCSV)},
		"mysociety_lookup_gss_to_registry.csv":  {Data: []byte("gss-code,local-authority-code\n")},
		"mysociety_lookup_name_to_registry.csv": {Data: []byte("la-name,local-authority-code\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	cat, err := fixtureCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	waste := func(council, provider string, x int64) obs {
		return obs{Council: council, Provider: provider, Name: "Provider " + provider, Service: "waste-collection",
			Metric: "waste-recycling-rate", Period: q1, Num: i64(x), Den: i64(1000)}
	}
	care := func(council, provider string, x int64) obs {
		return onTime(council, provider, q1, x, 1000)
	}
	subs := []sub{
		{ID: "su", Council: rU, Received: day("2024-07-10"), Rows: []obs{
			waste(rU, "W1", 300), waste(rU, "W2", 500), care(rU, "H1", 700), care(rU, "H2", 800)}},
		{ID: "su2", Council: rU2, Received: day("2024-07-10"), Rows: []obs{waste(rU2, "W3", 900), care(rU2, "H3", 900)}},
		{ID: "sn1", Council: rN1, Received: day("2024-07-10"), Rows: []obs{waste(rN1, "W4", 600)}},
		{ID: "sn2", Council: rN2, Received: day("2024-07-10"), Rows: []obs{waste(rN2, "W5", 200)}},
		{ID: "sk", Council: rK, Received: day("2024-07-10"), Rows: []obs{care(rK, "H4", 600), care(rK, "H5", 500)}},
	}
	db := openTest(t)
	if err := db.Build(context.Background(), BuildInput{DataDir: writeDataDir(t, subs...), Catalogue: cat, Councils: cs, Neighbours: 2}); err != nil {
		t.Fatal(err)
	}
	rows := tableRows(t, db, "comparisons")
	tests := []struct {
		Metric, Council, Provider string
		Want                      row
	}{
		{"waste-recycling-rate", rU, "W1", row{"similar_value": 40.0, "similar_rank": 3, "similar_n": 4, "band_similar": "worse"}},
		{"waste-recycling-rate", rU, "W2", row{"similar_value": 40.0, "similar_rank": 2, "similar_n": 4, "band_similar": "better"}},
		{"waste-recycling-rate", rN1, "W4", row{"similar_value": 33.3333333, "similar_rank": 1, "similar_n": 4}},
		{"waste-recycling-rate", rU2, "W3", row{"similar_value": 46.6666667}},
		{"hc-visits-on-time", rU, "H1", row{"similar_value": 66.6666667, "similar_rank": 3, "similar_n": 5}},
		{"hc-visits-on-time", rK, "H4", row{"similar_value": 80.0, "similar_rank": 4, "similar_n": 5}},
		{"hc-visits-on-time", rU2, "H3", row{"similar_value": 65.0, "similar_rank": 1, "similar_n": 5}},
	}
	for _, tt := range tests {
		what := tt.Metric + " " + tt.Council + "/" + tt.Provider
		check(t, what, pick(t, rows, row{"metric": tt.Metric, "period": q1, "council_code": tt.Council, "provider_id": tt.Provider}), tt.Want)
	}
}

// TestComparisonsInBatches checks that comparing the fixture a few metrics
// at a time, as Build does under a memory limit, gives the rows one batch
// gives, in the comparisons and in the provider profiles made in the same
// batches, and that the batches hold the metrics they should. The fixture's
// 19 rows are, by metric in text order: asc-carer-qol 2 (A, B),
// hc-missed-visits 2 (A/P1, B/P1), hc-visits-on-time 10 (A's five, B's
// two, C's one, D's two), price-per-hour 3 (A/P1, B/P1, C/P3) and
// test-count 2 (A/P1, A/P2). Batches of at most 1 row put each metric in
// one of its own; of at most 12, asc-carer-qol with hc-missed-visits (4
// rows), hc-visits-on-time alone (10, since price-per-hour's 3 would make
// 13), and price-per-hour with test-count (5).
func TestComparisonsInBatches(t *testing.T) {
	t.Parallel()
	one := buildFixture(t)
	whole := tableRows(t, one, "comparisons")
	if len(whole) != 19 {
		t.Fatalf("one batch: %d rows, want 19", len(whole))
	}
	// A profile for each provider, metric, period and service with rows:
	// P1 in four metrics (hc-visits-on-time in three periods), P2 and P3
	// in two each, P4 to P6 in hc-visits-on-time; every metric but
	// asc-carer-qol, whose rows have no provider.
	profiles := tableRows(t, one, "provider_profile")
	if len(profiles) != 13 {
		t.Fatalf("one batch: %d provider profiles, want 13", len(profiles))
	}
	took := regexp.MustCompile(` in [0-9]+\.[0-9]s$`)
	tests := []struct {
		Name      string
		BatchRows int64
		Want      []string
	}{
		{"a metric at a time", 1, []string{
			"compared asc-carer-qol to asc-carer-qol (batch 1 of 5): 2 rows",
			"compared hc-missed-visits to hc-missed-visits (batch 2 of 5): 2 rows",
			"compared hc-visits-on-time to hc-visits-on-time (batch 3 of 5): 10 rows",
			"compared price-per-hour to price-per-hour (batch 4 of 5): 3 rows",
			"compared test-count to test-count (batch 5 of 5): 2 rows",
		}},
		{"up to 12 rows", 12, []string{
			"compared asc-carer-qol to hc-missed-visits (batch 1 of 3): 4 rows",
			"compared hc-visits-on-time to hc-visits-on-time (batch 2 of 3): 10 rows",
			"compared price-per-hour to test-count (batch 3 of 3): 5 rows",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			t.Parallel()
			var batches []string
			db := buildFixtureWith(t, func(in *BuildInput) {
				in.batchRows = tt.BatchRows
				in.Logf = func(format string, args ...any) {
					if l := fmt.Sprintf(format, args...); strings.HasPrefix(l, "compared ") {
						batches = append(batches, took.ReplaceAllString(l, ""))
					}
				}
			})
			if !slices.Equal(batches, tt.Want) {
				t.Errorf("batches:\n got %q\nwant %q", batches, tt.Want)
			}
			for table, want := range map[string][]row{"comparisons": whole, "provider_profile": profiles} {
				got := tableRows(t, db, table)
				if len(got) != len(want) {
					t.Fatalf("%s: %d rows, one batch gives %d", table, len(got), len(want))
				}
				for i := range got {
					if !reflect.DeepEqual(got[i], want[i]) {
						t.Errorf("%s row %d:\n got %v\nwant %v (one batch)", table, i, got[i], want[i])
					}
				}
			}
		})
	}
}

// TestBatchMetrics checks how metrics are grouped into batches: in order,
// as many whole metrics as fit the limit, a metric larger than it alone.
func TestBatchMetrics(t *testing.T) {
	t.Parallel()
	metrics := []metricRows{{"a", 3}, {"b", 4}, {"c", 10}, {"d", 1}, {"e", 2}}
	tests := []struct {
		Limit int64
		Want  []metricBatch
	}{
		// 3 + 4 = 7 fits; c's 10 is over 7 alone; 1 + 2 = 3.
		{7, []metricBatch{{"a", "b", 7}, {"c", "c", 10}, {"d", "e", 3}}},
		{6, []metricBatch{{"a", "a", 3}, {"b", "b", 4}, {"c", "c", 10}, {"d", "e", 3}}},
		{20, []metricBatch{{"a", "e", 20}}},
		{1, []metricBatch{{"a", "a", 3}, {"b", "b", 4}, {"c", "c", 10}, {"d", "d", 1}, {"e", "e", 2}}},
	}
	for _, tt := range tests {
		if got := batchMetrics(metrics, tt.Limit); !slices.Equal(got, tt.Want) {
			t.Errorf("batchMetrics(limit %d) = %v, want %v", tt.Limit, got, tt.Want)
		}
	}
	if got := batchMetrics(nil, 7); len(got) != 0 {
		t.Errorf("batchMetrics of no metrics = %v, want none", got)
	}
}
