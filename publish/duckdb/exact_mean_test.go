package duckdb

import (
	"context"
	"maps"
	"math"
	"slices"
	"testing"
)

// TestMeansDoNotDependOnRowOrder builds the same prices twice, given to
// one provider by the councils in one order and then in the reverse, and
// checks that each mean published from them (the national benchmark, the
// provider's profile, its sector's benchmark) is the same both times and
// is the mean worked out by hand, to six figures.
//
// The first period's four prices, 14.6642 + 29.3014 + 26.5568 + 13.3806
// = 83.903, have a mean of exactly 20.97575: halfway between the
// six-figure 20.9757 and 20.9758, so published as 20.9758 (half away from
// zero, as sig6 rounds). Added one after another in double precision, in
// one order the mean comes to 20.97575 and in the other to
// 20.975749999999998 (the guard below works both out), so a mean that
// adds the rows in the order it meets them, as avg() does, publishes
// 20.9757 from one order and 20.9758 from the other: the observations are
// stored by council, so the two builds meet the prices in opposite
// orders. The second period's three prices, 10.01, 10.02 and 10.04, have
// a mean of 30.07 / 3 = 10.0233333, published as 10.0233.
func TestMeansDoNotDependOnRowOrder(t *testing.T) {
	t.Parallel()
	prices := []float64{14.6642, 29.3014, 26.5568, 13.3806}
	// Six figures of a mean from 10 to 99, as sig6 publishes it: four
	// decimals.
	sixFigures := func(m float64) float64 { return math.Round(m*1e4) / 1e4 }
	forward, backward := 0.0, 0.0
	for i := range prices {
		forward += prices[i]
		backward += prices[len(prices)-1-i]
	}
	if sixFigures(forward/4) == sixFigures(backward/4) {
		t.Fatalf("the prices' means added in the two orders (%v, %v) round alike: the test would not tell the orders apart",
			forward/4, backward/4)
	}

	second := []float64{10.01, 10.02, 10.04}
	councils := []string{cA, cB, cC, cD}
	build := func(prices, second []float64) map[string]float64 {
		var subs []sub
		for i, c := range councils {
			rows := []obs{{Provider: "P1", Name: "Acme Care", Sector: "private", Service: "homecare",
				Metric: "price-per-hour", Period: "2024-25-Q1", Value: f64(prices[i])}}
			if i < len(second) {
				rows = append(rows, obs{Provider: "P1", Name: "Acme Care", Sector: "private", Service: "homecare",
					Metric: "price-per-hour", Period: "2024-25-Q2", Value: f64(second[i])})
			}
			subs = append(subs, sub{ID: "s" + c, Council: c, Received: day("2024-10-10"), Rows: rows})
		}
		cat, err := fixtureCatalogue()
		if err != nil {
			t.Fatal(err)
		}
		db := openTest(t)
		in := BuildInput{DataDir: writeDataDir(t, subs...), Catalogue: cat, Councils: fixtureCouncils(t), Neighbours: 2}
		if err := db.Build(context.Background(), in); err != nil {
			t.Fatal(err)
		}
		got := map[string]float64{}
		for _, period := range []string{"2024-25-Q1", "2024-25-Q2"} {
			figure := func(name string, r row, col string) {
				f, ok := asFloat(r[col])
				if !ok {
					t.Fatalf("%s %s: %s = %v, not a number", period, name, col, r[col])
				}
				got[period+" "+name+" "+col] = f
			}
			key := row{"metric": "price-per-hour", "period": period, "service": "homecare"}
			b := pick(t, tableRows(t, db, "benchmarks"), with(key, row{"level": "provider"}))
			figure("benchmark", b, "national_value")
			figure("benchmark", b, "mean_value")
			figure("profile", pick(t, tableRows(t, db, "provider_profile"), with(key, row{"provider_id": "P1"})), "value")
			figure("sector", pick(t, tableRows(t, db, "sector_benchmarks"), with(key, row{"sector": "private"})), "value")
		}
		return got
	}
	inOrder := build(prices, second)
	reversed, secondReversed := slices.Clone(prices), slices.Clone(second)
	slices.Reverse(reversed)
	slices.Reverse(secondReversed)
	inReverse := build(reversed, secondReversed)

	for k, g := range inOrder {
		if r := inReverse[k]; g != r {
			t.Errorf("%s: %v from the prices in council order, %v from them reversed", k, g, r)
		}
		want := 20.9758
		if k[:10] == "2024-25-Q2" {
			want = 10.0233
		}
		if g != want {
			t.Errorf("%s = %v, want %v", k, g, want)
		}
	}
	if len(inOrder) != 8 {
		t.Errorf("read %d figures, want 8: %v", len(inOrder), inOrder)
	}
}

// with returns a copy of key with more's columns added.
func with(key, more row) row {
	out := maps.Clone(key)
	maps.Copy(out, more)
	return out
}
