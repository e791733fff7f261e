package schemas

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
)

func ptr(v float64) *float64 { return &v }

// testCatalogue returns a small valid catalogue, fresh for each caller so
// tests may change it.
func testCatalogue() *Catalogue {
	return &Catalogue{
		Services: []Service{
			{ID: "homecare", Title: "Home care"},
			{ID: "waste-collection", Title: "Waste collection"},
		},
		Metrics: []Metric{
			{ID: "hc-visits-on-time", Title: "Visits on time", Services: []string{"homecare"},
				Kind: KindProportion, Unit: UnitPercent, Multiplier: 100, Polarity: HigherIsBetter,
				Min: ptr(0), Max: ptr(100), Disclosure: DisclosureNone},
			{ID: "wc-missed", Title: "Missed collections", Services: []string{"waste-collection"},
				Kind: KindRate, Unit: UnitPer100000, Multiplier: 100000, Polarity: LowerIsBetter},
			{ID: "complaints", Title: "Complaints", Services: []string{"*"}, Kind: KindCount, Unit: UnitNumber},
		},
	}
}

func TestCatalogueIndex(t *testing.T) {
	t.Parallel()
	c := testCatalogue()
	if err := c.Index(); err != nil {
		t.Fatalf("Index: %v", err)
	}
	m, err := c.Metric("complaints")
	if err != nil {
		t.Fatalf("Metric(complaints): %v", err)
	}
	// Fields left out take their defaults.
	if m.Multiplier != 1 || m.Polarity != NoPolarity || m.Disclosure != DisclosureNone {
		t.Errorf("defaults = multiplier %g, polarity %q, disclosure %q; want 1, none, none", m.Multiplier, m.Polarity, m.Disclosure)
	}
	if !m.ForService("homecare") || !m.ForService("anything") {
		t.Error(`a metric for service "*" should be for every service`)
	}
	if got, want := c.MetricIDs(), []string{"complaints", "hc-visits-on-time", "wc-missed"}; !slices.Equal(got, want) {
		t.Errorf("MetricIDs() = %v, want %v", got, want)
	}
	if _, err := c.Metric("hc-visits-late"); !errors.Is(err, ErrUnknownMetric) || err.Error() != `unknown metric "hc-visits-late"` {
		t.Errorf("Metric(hc-visits-late) error = %v, want unknown metric \"hc-visits-late\"", err)
	}
	if s, err := c.Service("homecare"); err != nil || s.Title != "Home care" {
		t.Errorf("Service(homecare) = %+v, %v; want Home care", s, err)
	}
	if _, err := c.Service("home-care"); !errors.Is(err, ErrUnknownService) || err.Error() != `unknown service "home-care"` {
		t.Errorf("Service(home-care) error = %v, want unknown service \"home-care\"", err)
	}
	if got := c.Closest("hc-visits-ontime", true, 2); !slices.Equal(got, []string{"hc-visits-on-time"}) {
		t.Errorf("Closest(hc-visits-ontime, metrics) = %v, want [hc-visits-on-time]", got)
	}
	if got := c.Closest("home-care", false, 2); !slices.Equal(got, []string{"homecare"}) {
		t.Errorf("Closest(home-care, services) = %v, want [homecare]", got)
	}
}

// TestCatalogueDisclosureDefaults checks that a small_counts metric that
// sets no thresholds gets today's rule (a count of 1 to 4 or a
// denominator under 10 is small), one that sets them keeps its own, and a
// metric without disclosure control has none; and that metrics naming
// the same count, on either side, are each other's sisters.
func TestCatalogueDisclosureDefaults(t *testing.T) {
	t.Parallel()
	c := testCatalogue()
	c.Metrics[0].Disclosure = DisclosureSmallCounts
	c.Metrics[1].Disclosure, c.Metrics[1].SmallCount, c.Metrics[1].MinDenominator = DisclosureSmallCounts, 10, 20
	c.Metrics[0].NumeratorCount = "visits"
	c.Metrics[2].NumeratorCount = "visits"
	if err := c.Index(); err != nil {
		t.Fatalf("Index: %v", err)
	}
	for _, tt := range []struct {
		id                 string
		small, denominator int
	}{{"hc-visits-on-time", 5, 10}, {"wc-missed", 10, 20}, {"complaints", 0, 0}} {
		m, err := c.Metric(tt.id)
		if err != nil {
			t.Fatal(err)
		}
		if m.SmallCount != tt.small || m.MinDenominator != tt.denominator {
			t.Errorf("%s: small_count %d, min_denominator %d; want %d, %d", tt.id, m.SmallCount, m.MinDenominator, tt.small, tt.denominator)
		}
	}
	m, _ := c.Metric("complaints")
	if got := m.SharedCounts(); !slices.Equal(got, []string{"visits"}) {
		t.Errorf("complaints shares %v, want [visits]", got)
	}
}

func TestCatalogueIndexErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(c *Catalogue)
		want   []string // every problem, in order
	}{
		{
			"bad kind", func(c *Catalogue) { c.Metrics[0].Kind = "fraction" },
			[]string{`metric "hc-visits-on-time": kind "fraction" is not one of proportion, rate, ratio, mean, count, score`},
		},
		{
			"bad unit", func(c *Catalogue) { c.Metrics[2].Unit = "pounds" },
			[]string{`metric "complaints": unit "pounds" is not one of percent, per_1000, per_100000, gbp, number`},
		},
		{
			"bad polarity", func(c *Catalogue) { c.Metrics[1].Polarity = "lower" },
			[]string{`metric "wc-missed": polarity "lower" is not one of higher_is_better, lower_is_better, none`},
		},
		{
			"bad disclosure", func(c *Catalogue) { c.Metrics[1].Disclosure = "always" },
			[]string{`metric "wc-missed": disclosure "always" is not one of none, small_counts`},
		},
		{
			"duplicate metric", func(c *Catalogue) { c.Metrics = append(c.Metrics, c.Metrics[2]) },
			[]string{`metric "complaints" is listed twice`},
		},
		{
			"duplicate service", func(c *Catalogue) { c.Services = append(c.Services, c.Services[0]) },
			[]string{`service "homecare" is listed twice`},
		},
		{
			"min above max", func(c *Catalogue) { c.Metrics[0].Min, c.Metrics[0].Max = ptr(100), ptr(0) },
			[]string{`metric "hc-visits-on-time": min is above max`},
		},
		{
			"unknown service", func(c *Catalogue) { c.Metrics[0].Services = []string{"home-care"} },
			[]string{`metric "hc-visits-on-time": service "home-care" is not in the catalogue`},
		},
		{
			"bad responsibility", func(c *Catalogue) { c.Services[0].Responsibility = "health" },
			[]string{`service "homecare": responsibility "health" is not one of social_care, waste_collection`},
		},
		{
			"no services", func(c *Catalogue) { c.Metrics[0].Services = nil },
			[]string{`metric "hc-visits-on-time": services is empty`},
		},
		{
			"percent proportion without multiplier", func(c *Catalogue) { c.Metrics[0].Multiplier = 0 },
			[]string{`metric "hc-visits-on-time": a proportion in percent needs multiplier 100`},
		},
		{
			"percent ratio without multiplier", func(c *Catalogue) { c.Metrics[0].Kind, c.Metrics[0].Multiplier = KindRatio, 1 },
			[]string{`metric "hc-visits-on-time": a ratio in percent needs multiplier 100`},
		},
		{
			"rate with the wrong multiplier", func(c *Catalogue) { c.Metrics[1].Multiplier = 1000 },
			[]string{`metric "wc-missed": a rate in per_100000 needs multiplier 100000`},
		},
		{
			"bad ids and missing titles", func(c *Catalogue) {
				c.Services[1].ID, c.Services[1].Title = "Waste", " "
				c.Metrics[2].ID, c.Metrics[2].Title = "Complaints_upheld", ""
			},
			[]string{
				`service "Waste": id must be lower-case letters, digits and hyphens`,
				`service "Waste": title is missing`,
				`metric "wc-missed": service "waste-collection" is not in the catalogue`,
				`metric "Complaints_upheld": id must be lower-case letters, digits and hyphens; title is missing`,
			},
		},
		{
			"small_count below 2", func(c *Catalogue) {
				c.Metrics[1].Disclosure, c.Metrics[1].SmallCount = DisclosureSmallCounts, 1
			},
			[]string{`metric "wc-missed": small_count 1 must be at least 2 (counts from 1 up to one below it are hidden; leave it out for the default, 5)`},
		},
		{
			"min_denominator below small_count", func(c *Catalogue) {
				c.Metrics[1].Disclosure, c.Metrics[1].SmallCount, c.Metrics[1].MinDenominator = DisclosureSmallCounts, 10, 8
			},
			[]string{`metric "wc-missed": min_denominator 8 must be at least small_count 10: a group smaller than a small count is itself a small count (leave it out for the default, 10)`},
		},
		{
			"thresholds without small_counts", func(c *Catalogue) { c.Metrics[0].SmallCount = 3 },
			[]string{`metric "hc-visits-on-time": small_count and min_denominator apply only with disclosure small_counts`},
		},
		{
			"bad shared counts", func(c *Catalogue) {
				c.Metrics[0].NumeratorCount, c.Metrics[0].DenominatorCount = "Visits", "Visits"
				c.Metrics[2].DenominatorCount = "people"
			},
			[]string{
				`metric "hc-visits-on-time": numerator_count "Visits" must be lower-case letters, digits and hyphens; denominator_count "Visits" must be lower-case letters, digits and hyphens; numerator_count and denominator_count name the same count`,
				`metric "complaints": denominator_count is set, but a count has no denominator`,
			},
		},
		{
			"a shared count without a service in common", func(c *Catalogue) {
				c.Metrics[0].DenominatorCount, c.Metrics[1].DenominatorCount = "visits", "visits"
			},
			[]string{`metric "wc-missed": count "visits" is shared with "hc-visits-on-time", but they have no service in common, so no figure of one shares it with a figure of the other`},
		},
		{
			"every problem, not just the first", func(c *Catalogue) {
				c.Metrics[0].Kind = "share"
				c.Metrics[0].Polarity = "up"
				c.Metrics[1].Unit = "per_million"
				c.Metrics[2].Min, c.Metrics[2].Max = ptr(5), ptr(1)
				c.Metrics = append(c.Metrics, c.Metrics[1])
			},
			[]string{
				`metric "hc-visits-on-time": kind "share" is not one of proportion, rate, ratio, mean, count, score; polarity "up" is not one of higher_is_better, lower_is_better, none`,
				`metric "wc-missed": unit "per_million" is not one of percent, per_1000, per_100000, gbp, number`,
				`metric "complaints": min is above max`,
				`metric "wc-missed" is listed twice`,
				`metric "wc-missed": unit "per_million" is not one of percent, per_1000, per_100000, gbp, number`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := testCatalogue()
			tt.change(c)
			err := c.Index()
			if err == nil {
				t.Fatalf("Index succeeded, want %q", tt.want)
			}
			if got := strings.Split(err.Error(), "\n"); !slices.Equal(got, tt.want) {
				t.Errorf("Index error\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestCatalogueMerge(t *testing.T) {
	t.Parallel()
	base := testCatalogue()
	if err := base.Index(); err != nil {
		t.Fatal(err)
	}
	over := &Catalogue{
		Services: []Service{{ID: "homecare", Title: "Domiciliary care"}, {ID: "care-home", Title: "Care homes"}},
		Metrics: []Metric{
			{ID: "complaints", Title: "Upheld complaints", Services: []string{"*"}, Kind: KindCount, Unit: UnitNumber, Polarity: LowerIsBetter},
			{ID: "ch-occupancy", Title: "Occupancy", Services: []string{"care-home"}, Kind: KindProportion, Unit: UnitPercent, Multiplier: 100},
		},
	}
	got, err := base.Merge(over)
	if err != nil {
		t.Fatalf("Merge: %v", err)
	}
	if ids, want := got.MetricIDs(), []string{"ch-occupancy", "complaints", "hc-visits-on-time", "wc-missed"}; !slices.Equal(ids, want) {
		t.Errorf("merged MetricIDs() = %v, want %v", ids, want)
	}
	if m, _ := got.Metric("complaints"); m.Title != "Upheld complaints" || m.Polarity != LowerIsBetter {
		t.Errorf("complaints = %q %q, want the override: Upheld complaints, lower_is_better", m.Title, m.Polarity)
	}
	if s, _ := got.Service("homecare"); s.Title != "Domiciliary care" {
		t.Errorf("homecare title = %q, want the override Domiciliary care", s.Title)
	}
	if len(got.Services) != 3 {
		t.Errorf("merged catalogue has %d services, want 3", len(got.Services))
	}
	// The base catalogue is not changed by the merge.
	if m, _ := base.Metric("complaints"); m.Title != "Complaints" {
		t.Errorf("base complaints title = %q after Merge, want Complaints", m.Title)
	}
	if _, err := base.Metric("ch-occupancy"); err == nil {
		t.Error("base catalogue gained ch-occupancy from Merge")
	}

	alone, err := base.Merge(nil)
	if err != nil || len(alone.MetricIDs()) != 3 {
		t.Errorf("Merge(nil) = %v metrics, %v; want 3, nil", alone.MetricIDs(), err)
	}
}

func TestCatalogueMergeErrors(t *testing.T) {
	t.Parallel()
	metric := Metric{ID: "extra", Title: "Extra", Services: []string{"homecare"}, Kind: KindScore, Unit: UnitNumber}
	tests := []struct {
		name string
		over *Catalogue
		want string
	}{
		{
			"metric twice in the override",
			&Catalogue{Metrics: []Metric{metric, metric}},
			`metric "extra" is listed twice`,
		},
		{
			"service twice in the override",
			&Catalogue{Services: []Service{{ID: "x", Title: "X"}, {ID: "x", Title: "X again"}}},
			`service "x" is listed twice`,
		},
		{
			"override breaks a rule",
			&Catalogue{Metrics: []Metric{{ID: "hc-visits-on-time", Title: "On time", Services: []string{"homecare"}, Kind: KindProportion, Unit: UnitPercent}}},
			`metric "hc-visits-on-time": a proportion in percent needs multiplier 100`,
		},
		{
			"override names a service nobody defines",
			&Catalogue{Metrics: []Metric{{ID: "extra", Title: "Extra", Services: []string{"day-care"}, Kind: KindScore, Unit: UnitNumber}}},
			`metric "extra": service "day-care" is not in the catalogue`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			base := testCatalogue()
			got, err := base.Merge(tt.over)
			if err == nil {
				t.Fatalf("Merge succeeded, want error %q", tt.want)
			}
			if got != nil {
				t.Errorf("Merge returned a catalogue with its error")
			}
			if err.Error() != tt.want {
				t.Errorf("Merge error\n got %q\nwant %q", err.Error(), tt.want)
			}
		})
	}
}

func TestMetricDerive(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		m        Metric
		num, den int64
		want     float64
		counts   bool
		sampled  bool
	}{
		{"percent", Metric{Kind: KindProportion, Multiplier: 100}, 17, 20, 85, true, true},
		{"per 1,000", Metric{Kind: KindRate, Multiplier: 1000}, 3, 1500, 2, true, true},
		// £4,125 of social value on a £75,000 contract is 5.5%.
		{"money share", Metric{Kind: KindRatio, Multiplier: 100}, 4125, 75000, 5.5, true, false},
		{"mean", Metric{Kind: KindMean, Multiplier: 1}, 10, 4, 2.5, false, false},
		{"score", Metric{Kind: KindScore, Multiplier: 1}, 31, 4, 7.75, false, false},
		{"count", Metric{Kind: KindCount, Multiplier: 1}, 3, 1, 3, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.m.Derive(tt.num, tt.den); got != tt.want {
				t.Errorf("Derive(%d, %d) = %g, want %g", tt.num, tt.den, got, tt.want)
			}
			if got := tt.m.NeedsCounts(); got != tt.counts {
				t.Errorf("NeedsCounts() = %v, want %v", got, tt.counts)
			}
			if got := tt.m.HasSamplingModel(); got != tt.sampled {
				t.Errorf("HasSamplingModel() = %v, want %v", got, tt.sampled)
			}
		})
	}
}

// TestComputed checks the rounding rule for computed figures against
// values rounded by hand.
func TestComputed(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ in, want float64 }{
		{947.0 / 1000 * 100, 94.7},
		{89.7 - 90.6, -0.9},
		{12345678.9, 12345700},
		{0.0000123456789, 0.0000123457},
		{93.21234567, 93.2123},
		{99.9999996, 100},
		{0, 0},
		{2.0 / 3 * 100, 66.6667},
	} {
		if got := Computed(tt.in); got != tt.want {
			t.Errorf("Computed(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
	m := Metric{Multiplier: 100}
	if got := m.Derive(947, 1000); got != 94.7 {
		t.Errorf("Derive(947, 1000) = %v, want 94.7", got)
	}
}

// TestMetricJSONThresholds checks that a metric without disclosure control
// gives null thresholds in JSON, as its CSV cells are blank, and one with
// them gives the numbers.
func TestMetricJSONThresholds(t *testing.T) {
	for _, c := range []struct {
		m    Metric
		want string
	}{
		{Metric{ID: "a", Disclosure: DisclosureNone}, `"small_count":null,"min_denominator":null`},
		{Metric{ID: "b", Disclosure: DisclosureSmallCounts, SmallCount: 5, MinDenominator: 10}, `"small_count":5,"min_denominator":10`},
	} {
		b, err := json.Marshal(c.m)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), c.want) || strings.Count(string(b), `"small_count":`) != 1 {
			t.Errorf("%s: JSON %s, want it to hold %s once", c.m.ID, b, c.want)
		}
	}
}
