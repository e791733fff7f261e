package duckdb

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/yardstick-open/yardstick/schemas"
	"github.com/yardstick-open/yardstick/schemas/config"
)

// changedCatalogue returns the built-in catalogue with the metrics ids
// changed by edit, as a data folder's catalogue.yaml overrides them.
func changedCatalogue(t *testing.T, edit func(m *schemas.Metric), ids ...string) *schemas.Catalogue {
	t.Helper()
	cat, err := config.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	var over schemas.Catalogue
	for _, id := range ids {
		m, err := cat.Metric(id)
		if err != nil {
			t.Fatal(err)
		}
		c := *m
		c.Services = slices.Clone(m.Services)
		edit(&c)
		over.Metrics = append(over.Metrics, c)
	}
	out, err := cat.Merge(&over)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRecheckCatalogue builds rows that the built-in catalogue accepts
// against catalogues changed since, as a data folder's catalogue.yaml can
// change after ingest: Build refuses with every group of rows that no
// longer fits, and the unchanged catalogue builds.
func TestRecheckCatalogue(t *testing.T) {
	t.Parallel()
	const (
		q1  = "2024-25-Q1"
		hc  = "homecare"
		onT = "hc-visits-on-time"
	)
	r := func(council, provider string, num, den int64, value float64) obs {
		return obs{Council: council, Provider: provider, Name: "Provider " + provider, Service: hc, Metric: onT,
			Period: q1, Num: i64(num), Den: i64(den), Value: f64(value)}
	}
	rows := []obs{
		r(cA, "P1", 950, 1000, 95), // line 2
		r(cA, "P2", 850, 1000, 85), // line 3
		r(cA, "P3", 920, 1000, 92), // line 4
		{Council: cA, Service: hc, Metric: onT, Period: q1, Value: f64(93)},                                                              // line 5: council-wide, no counts
		{Council: cA, Provider: "P4", Service: hc, Metric: "hc-missed-visits", Period: q1, Num: i64(3), Den: i64(1200), Value: f64(2.5)}, // line 6
		{Council: cA, Provider: "P5", Service: hc, Metric: onT, Period: q1, Status: "c"},                                                 // line 7: suppressed
		// 5/9 is 55.5556: 56, written to no places, is within half a unit
		{Council: cA, Provider: "P6", Service: hc, Metric: onT, Period: q1, Num: i64(5), Den: i64(9), Value: f64(56)},                 // line 8
		{Council: cA, Provider: "P7", Service: hc, Metric: "social-value", Period: q1, Num: i64(150), Den: i64(100), Value: f64(150)}, // line 9
		{Council: cA, Provider: "P7", Service: hc, Metric: "price-per-hour", Period: q1, Num: i64(0), Den: i64(0), Value: f64(18.5)},  // line 10
		// 1/1852 x 1000 is 0.539957: 0.5, written to one place, is within
		// a unit of its last place, which ingest allows with a warning
		{Council: cA, Provider: "P8", Service: hc, Metric: "hc-missed-visits", Period: q1, Num: i64(1), Den: i64(1852), Value: f64(0.5)}, // line 11
	}
	root := writeDataDir(t,
		sub{ID: "sa", Council: cA, Received: day("2024-07-10"), Rows: rows},
		sub{ID: "sb", Council: cB, Received: day("2024-07-11"), Rows: []obs{r(cB, "P1", 30, 40, 75)}},
	)
	tests := []struct {
		name string
		cat  *schemas.Catalogue
		// want lists the misfits as "council metric rule rows line: detail".
		want []string
	}{
		{name: "unchanged"},
		{name: "max lowered",
			cat:  changedCatalogue(t, func(m *schemas.Metric) { m.Max = new(float64(90)) }, onT),
			want: []string{cA + " hc-visits-on-time out_of_range 3 2: value 95 is outside the range of hc-visits-on-time (0 to 90)"}},
		{name: "min raised",
			cat: changedCatalogue(t, func(m *schemas.Metric) { m.Min = new(float64(80)) }, onT),
			want: []string{cA + " hc-visits-on-time out_of_range 1 8: value 56 is outside the range of hc-visits-on-time (80 to 100)",
				cB + " hc-visits-on-time out_of_range 1 2: value 75 is outside the range of hc-visits-on-time (80 to 100)"}},
		{name: "proportion to rate per 1,000",
			cat: changedCatalogue(t, func(m *schemas.Metric) {
				m.Kind, m.Unit, m.Multiplier, m.Max = schemas.KindRate, schemas.UnitPer1000, 1000, new(float64(1000))
			}, onT),
			want: []string{cA + " hc-visits-on-time value_mismatch 4 2: value 95 but numerator/denominator give 950 (950 / 1000 x 1000, the multiplier of a rate in per_1000)",
				cB + " hc-visits-on-time value_mismatch 1 2: value 75 but numerator/denominator give 750 (30 / 40 x 1000, the multiplier of a rate in per_1000)"}},
		{name: "rate to proportion",
			cat: changedCatalogue(t, func(m *schemas.Metric) {
				m.Kind, m.Unit, m.Multiplier, m.Max = schemas.KindProportion, schemas.UnitPercent, 100, new(float64(100))
			}, "hc-missed-visits"),
			want: []string{cA + " hc-missed-visits value_mismatch 2 6: value 2.5 but numerator/denominator give 0.25 (3 / 1200 x 100, the multiplier of a proportion in percent)"}},
		{name: "numerator over denominator",
			cat: changedCatalogue(t, func(m *schemas.Metric) {
				m.Kind, m.Unit, m.Multiplier, m.Max = schemas.KindProportion, schemas.UnitPercent, 100, nil
			}, "social-value"),
			want: []string{cA + " social-value numerator_over_denominator 1 9: the numerator (150) is larger than the denominator (100), which a proportion cannot be"}},
		{name: "zero denominator",
			cat:  changedCatalogue(t, func(m *schemas.Metric) { m.Kind = schemas.KindRate }, "price-per-hour"),
			want: []string{cA + " price-per-hour zero_denominator 1 10: the denominator is 0, which a rate cannot have"}},
		// A ratio's counts are checked as a rate's are, as at ingest
		// (schemas.Metric.NeedsCounts).
		{name: "zero denominator of a ratio",
			cat:  changedCatalogue(t, func(m *schemas.Metric) { m.Kind = schemas.KindRatio }, "price-per-hour"),
			want: []string{cA + " price-per-hour zero_denominator 1 10: the denominator is 0, which a ratio cannot have"}},
		{name: "to a count: counts no longer checked",
			cat: changedCatalogue(t, func(m *schemas.Metric) {
				// A count has no denominator to share.
				m.Kind, m.Unit, m.Multiplier, m.DenominatorCount = schemas.KindCount, schemas.UnitNumber, 1, ""
			}, onT)},
		{name: "service taken away",
			cat: changedCatalogue(t, func(m *schemas.Metric) {
				// Its visits are no longer home care's, which hc-continuity counts.
				m.Services, m.DenominatorCount = []string{"care-home"}, ""
			}, onT),
			want: []string{cA + " hc-visits-on-time metric_not_for_service 6 2: metric hc-visits-on-time is not reported for service homecare; the catalogue gives it for care-home",
				cB + " hc-visits-on-time metric_not_for_service 1 2: metric hc-visits-on-time is not reported for service homecare; the catalogue gives it for care-home"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cat := tc.cat
			if cat == nil {
				var err error
				if cat, err = config.Builtin(); err != nil {
					t.Fatal(err)
				}
			}
			err := openTest(t).Build(context.Background(), BuildInput{DataDir: root, Catalogue: cat, Councils: fixtureCouncils(t)})
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("Build = %v, want success", err)
				}
				return
			}
			var ce *CatalogueError
			if !errors.As(err, &ce) || !errors.Is(err, ErrCatalogueConflict) || schemas.ErrorCode(err) != schemas.ECONFLICT {
				t.Fatalf("Build = %v (code %s), want a *CatalogueError coded %s", err, schemas.ErrorCode(err), schemas.ECONFLICT)
			}
			var got []string
			rows := 0
			for _, m := range ce.Misfits {
				got = append(got, strings.Join([]string{m.Council, m.Metric, m.Rule, strconv.Itoa(m.Rows), strconv.FormatInt(m.Line, 10)}, " ")+": "+m.Detail)
				rows += m.Rows
				if m.Period != q1 || m.Service != hc || m.CouncilName == "" {
					t.Errorf("misfit %+v: want period %s, service %s and the council's name", m, q1, hc)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("misfits\n got %q\nwant %q", got, tc.want)
			}
			if ce.Groups != len(tc.want) || ce.Rows != rows {
				t.Errorf("groups %d rows %d, want %d and %d", ce.Groups, ce.Rows, len(tc.want), rows)
			}
		})
	}
}

// TestRecheckMessages: a misfit names the council, what to send again and
// what to put back; a missing metric is also ErrUnknownMetric.
func TestRecheckMessages(t *testing.T) {
	t.Parallel()
	root := writeDataDir(t, sub{ID: "sa", Council: cA, Received: day("2024-07-10"), Rows: []obs{
		{Provider: "P1", Service: "homecare", Metric: "hc-visits-on-time", Period: "2024-25-Q1", Num: i64(950), Den: i64(1000), Value: f64(95)},
		{Provider: "P1", Service: "homecare", Metric: "local-metric", Period: "2024-25-Q1", Value: f64(1)},
	}})
	builtin, err := config.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	local := schemas.Metric{ID: "local-metric", Title: "A local metric", Services: []string{"homecare"},
		Kind: schemas.KindCount, Unit: schemas.UnitNumber}
	withLocal, err := builtin.Merge(&schemas.Catalogue{Metrics: []schemas.Metric{local}})
	if err != nil {
		t.Fatal(err)
	}
	if err := openTest(t).Build(context.Background(), BuildInput{DataDir: root, Catalogue: withLocal, Councils: fixtureCouncils(t)}); err != nil {
		t.Fatalf("Build with the local metric = %v", err)
	}

	err = openTest(t).Build(context.Background(), BuildInput{DataDir: root, Catalogue: builtin, Councils: fixtureCouncils(t)})
	var ce *CatalogueError
	if !errors.As(err, &ce) || !errors.Is(err, schemas.ErrUnknownMetric) || len(ce.Misfits) != 1 {
		t.Fatalf("Build without the local metric = %v, want a CatalogueError that is ErrUnknownMetric", err)
	}
	m := ce.Misfits[0]
	for _, c := range []struct{ name, got, want string }{
		{"string", m.String(), "Aville (E06000101), 2024-25-Q1, homecare, local-metric: 1 row (unknown_metric): " +
			"metric local-metric is not in the catalogue (the row: line 3 of submission sa, provider P1)"},
		{"fix", m.Fix(), "put metric local-metric back in catalogue.yaml, or Aville (E06000101) sends its return for 2024-25-Q1, homecare again without it"},
		{"error", err.Error(), "build: current figures do not fit the metric catalogue in force: 1 row of 1 council; " + m.String()},
	} {
		if c.got != c.want {
			t.Errorf("%s\n got %s\nwant %s", c.name, c.got, c.want)
		}
	}

	lowered := changedCatalogue(t, func(m *schemas.Metric) { m.Max = new(float64(90)) }, "hc-visits-on-time")
	lowered, err = lowered.Merge(&schemas.Catalogue{Metrics: []schemas.Metric{local}})
	if err != nil {
		t.Fatal(err)
	}
	err = openTest(t).Build(context.Background(), BuildInput{DataDir: root, Catalogue: lowered, Councils: fixtureCouncils(t)})
	if !errors.As(err, &ce) || errors.Is(err, schemas.ErrUnknownMetric) || len(ce.Misfits) != 1 {
		t.Fatalf("Build with max 90 = %v, want one misfit", err)
	}
	if got, want := ce.Misfits[0].Fix(), "Aville (E06000101) sends its return for 2024-25-Q1, homecare again, with every row "+
		"(a return replaces the earlier one as a whole), or put the catalogue's definition of hc-visits-on-time back as it was"; got != want {
		t.Errorf("fix\n got %s\nwant %s", got, want)
	}
}
