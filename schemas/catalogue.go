package schemas

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Kind is what a metric counts, which decides how publish benchmarks it.
// Proportions, rates and counts count events, so a sampling model (binomial
// or Poisson) gives their values confidence intervals; a ratio, a mean and
// a score have no such model, so they get no interval and no band, and
// are benchmarked by their quintile of the national distribution instead.
type Kind string

// The kinds of metric.
const (
	KindProportion Kind = "proportion" // events / people or occasions at risk, numerator <= denominator
	KindRate       Kind = "rate"       // events per multiplier units of exposure
	// KindRatio is an amount over an amount, such as pounds of social
	// value over pounds of contract value: numerator / denominator x
	// multiplier as for a rate, but the counts are not events, so there
	// is no sampling model behind the value.
	KindRatio Kind = "ratio"
	KindMean  Kind = "mean"  // an average, such as a price per hour
	KindCount Kind = "count" // a number of events
	KindScore Kind = "score" // a score on a scale, such as a survey's
)

// Kinds are the kinds of metric, in the order the catalogue lists them.
var Kinds = []Kind{KindProportion, KindRate, KindRatio, KindMean, KindCount, KindScore}

// Unit is how a metric's value is expressed.
type Unit string

// The units of a metric's value.
const (
	UnitPercent   Unit = "percent"
	UnitPer1000   Unit = "per_1000"
	UnitPer100000 Unit = "per_100000"
	UnitGBP       Unit = "gbp"
	UnitNumber    Unit = "number"
)

// Polarity says which direction of a metric is better.
type Polarity string

// The polarities.
const (
	HigherIsBetter Polarity = "higher_is_better"
	LowerIsBetter  Polarity = "lower_is_better"
	NoPolarity     Polarity = "none"
)

// Disclosure is the statistical disclosure control a metric needs.
type Disclosure string

// The disclosure classes.
const (
	DisclosureNone        Disclosure = "none"
	DisclosureSmallCounts Disclosure = "small_counts"
)

// The small_counts rule's thresholds when a metric does not set its own
// (Metric.SmallCount, Metric.MinDenominator): a numerator, or a
// proportion's complement, of 1 to 4 is small, and so is a denominator
// under 10, which also hides 0% and 100% of a group under 10.
const (
	DefaultSmallCount     = 5
	DefaultMinDenominator = 10
)

// ErrUnknownMetric and ErrUnknownService are returned, wrapped, for ids the
// catalogue does not hold.
var (
	ErrUnknownMetric  = errors.New("unknown metric")
	ErrUnknownService = errors.New("unknown service")
)

// Responsibility is a duty that some councils have and others do not,
// named as the councils table of a release names its flag: in two-tier
// areas the county council has social care and the district councils
// collect waste.
type Responsibility string

// The responsibilities a service may need.
const (
	ResponsibilitySocialCare      Responsibility = "social_care"
	ResponsibilityWasteCollection Responsibility = "waste_collection"
)

// Title returns the responsibility in words, as in "social care".
func (r Responsibility) Title() string { return strings.ReplaceAll(string(r), "_", " ") }

// Holders names the kinds of council that have the responsibility.
func (r Responsibility) Holders() string {
	switch r {
	case ResponsibilitySocialCare:
		return "county councils, unitary authorities, metropolitan districts and London boroughs"
	case ResponsibilityWasteCollection:
		return "district councils, unitary authorities, metropolitan districts and London boroughs"
	}
	return "every council"
}

// Service is a kind of commissioned service, such as home care.
// Responsibility, when set, is what a council must be responsible for to
// commission the service and so to send returns for it.
type Service struct {
	ID             string         `yaml:"id" json:"id"`
	Title          string         `yaml:"title" json:"title"`
	Description    string         `yaml:"description,omitempty" json:"description,omitempty"`
	Responsibility Responsibility `yaml:"responsibility,omitempty" json:"responsibility,omitempty"`
}

// Metric is one performance measure with its definition.
type Metric struct {
	ID          string     `yaml:"id" json:"id"`
	Title       string     `yaml:"title" json:"title"`
	Description string     `yaml:"description" json:"description"`
	Services    []string   `yaml:"services" json:"services"`
	Kind        Kind       `yaml:"kind" json:"kind"`
	Unit        Unit       `yaml:"unit" json:"unit"`
	Multiplier  float64    `yaml:"multiplier" json:"multiplier"`
	Polarity    Polarity   `yaml:"polarity" json:"polarity"`
	Min         *float64   `yaml:"min" json:"min"`
	Max         *float64   `yaml:"max" json:"max"`
	Disclosure  Disclosure `yaml:"disclosure" json:"disclosure"`
	Numerator   string     `yaml:"numerator,omitempty" json:"numerator"`
	Denominator string     `yaml:"denominator,omitempty" json:"denominator"`
	Source      string     `yaml:"source,omitempty" json:"source"`
	// NumeratorCount and DenominatorCount name the count the numerator
	// or the denominator is when other metrics count the same thing for
	// the same provider, service and period: every metric that names a
	// count shares it, on either side (occupied-bed-days is the
	// denominator of falls per 1,000 bed days and the numerator of
	// occupancy). Disclosure control protects shared counts together: a
	// figure hidden for one metric hides its sisters' figures of the same
	// cell, which would give the shared count back. "" when the count is
	// the metric's own.
	NumeratorCount   string `yaml:"numerator_count,omitempty" json:"numerator_count"`
	DenominatorCount string `yaml:"denominator_count,omitempty" json:"denominator_count"`
	// SmallCount and MinDenominator are the small_counts rule's
	// thresholds for this metric: a numerator, or a proportion's
	// complement, above 0 and below SmallCount is small, and so is a
	// denominator below MinDenominator (so 0% and 100% of a group smaller
	// than it are hidden). Index sets DefaultSmallCount and
	// DefaultMinDenominator where they are left out; they apply only
	// under disclosure small_counts; elsewhere they are 0, which
	// MarshalJSON writes as null, as CSV leaves the cell blank.
	SmallCount     int `yaml:"small_count,omitempty" json:"small_count"`
	MinDenominator int `yaml:"min_denominator,omitempty" json:"min_denominator"`
}

// MarshalJSON writes the metric with a small_count and min_denominator
// of 0 (a metric without disclosure control) as null: 0 is no threshold.
func (m Metric) MarshalJSON() ([]byte, error) {
	type plain Metric
	// The outer fields take the JSON names from the embedded ones.
	return json.Marshal(struct {
		plain
		SmallCount     *int `json:"small_count"`
		MinDenominator *int `json:"min_denominator"`
	}{plain(m), nonZero(m.SmallCount), nonZero(m.MinDenominator)})
}

func nonZero(n int) *int {
	if n == 0 {
		return nil
	}
	return &n
}

// SharedCounts returns the names of the counts the metric shares with
// others: its NumeratorCount and DenominatorCount, those set.
func (m *Metric) SharedCounts() []string {
	var out []string
	for _, c := range []string{m.NumeratorCount, m.DenominatorCount} {
		if c != "" {
			out = append(out, c)
		}
	}
	return out
}

// NeedsCounts reports whether the metric's value is numerator/denominator x
// multiplier, so that rows may give the counts and the value is checked
// against them.
func (m *Metric) NeedsCounts() bool {
	return m.Kind == KindProportion || m.Kind == KindRate || m.Kind == KindRatio
}

// HasSamplingModel reports whether the metric's values count events, so
// that a binomial (proportion) or Poisson (rate, count) model gives them
// confidence intervals. A ratio, a mean or a score has no interval and no
// band; publish benchmarks it by quintile alone.
func (m *Metric) HasSamplingModel() bool {
	return m.Kind == KindProportion || m.Kind == KindRate || m.Kind == KindCount
}

// Derive returns the value that numerator and denominator imply, as
// Yardstick publishes a figure it computes: to six significant figures
// (Computed), so 947 of 1000 is 94.7, not 94.69999999999999.
func (m *Metric) Derive(num, den int64) float64 {
	return Computed(float64(num) / float64(den) * m.Multiplier)
}

// Computed returns v to six significant figures: the one rounding rule for
// every figure Yardstick computes rather than takes from a return (the
// sig6 macro in publish/duckdb applies the same rule in SQL). 0, NaN and
// infinities pass through.
func Computed(v float64) float64 {
	if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return v
	}
	r, err := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 6, 64), 64)
	if err != nil {
		return v
	}
	return r
}

// ForService reports whether the metric may be returned for the service.
func (m *Metric) ForService(service string) bool {
	return slices.Contains(m.Services, service) || slices.Contains(m.Services, "*")
}

// Catalogue is the set of services and metrics Yardstick knows.
type Catalogue struct {
	Services []Service `yaml:"services" json:"services"`
	Metrics  []Metric  `yaml:"metrics" json:"metrics"`

	metrics  map[string]*Metric
	services map[string]*Service
}

// Metric returns the metric with the given id.
func (c *Catalogue) Metric(id string) (*Metric, error) {
	if m, ok := c.metrics[id]; ok {
		return m, nil
	}
	return nil, fmt.Errorf("%w %q", ErrUnknownMetric, id)
}

// Service returns the service with the given id.
func (c *Catalogue) Service(id string) (*Service, error) {
	if s, ok := c.services[id]; ok {
		return s, nil
	}
	return nil, fmt.Errorf("%w %q", ErrUnknownService, id)
}

// MetricIDs returns the metric ids in sorted order.
func (c *Catalogue) MetricIDs() []string {
	ids := make([]string, 0, len(c.metrics))
	for id := range c.metrics {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Closest returns up to n known ids nearest to id, for hints.
func (c *Catalogue) Closest(id string, metrics bool, n int) []string {
	var ids []string
	if metrics {
		ids = c.MetricIDs()
	} else {
		for _, s := range c.Services {
			ids = append(ids, s.ID)
		}
	}
	return Closest(id, ids, n)
}

// Merge returns a catalogue holding c's services and metrics with those of
// over added, an entry of over replacing the one of c with the same id.
// The result is indexed and validated; an id listed twice within over is an
// error, since one of the two would otherwise be dropped unseen.
func (c *Catalogue) Merge(over *Catalogue) (*Catalogue, error) {
	out := &Catalogue{}
	out.Services = append(out.Services, c.Services...)
	out.Metrics = append(out.Metrics, c.Metrics...)
	var errs []error
	if over != nil {
		seen := map[string]bool{}
		for _, s := range over.Services {
			if seen[s.ID] {
				errs = append(errs, fmt.Errorf("service %q is listed twice", s.ID))
				continue
			}
			seen[s.ID] = true
			if i := slices.IndexFunc(out.Services, func(x Service) bool { return x.ID == s.ID }); i >= 0 {
				out.Services[i] = s
			} else {
				out.Services = append(out.Services, s)
			}
		}
		clear(seen)
		for _, m := range over.Metrics {
			if seen[m.ID] {
				errs = append(errs, fmt.Errorf("metric %q is listed twice", m.ID))
				continue
			}
			seen[m.ID] = true
			if i := slices.IndexFunc(out.Metrics, func(x Metric) bool { return x.ID == m.ID }); i >= 0 {
				out.Metrics[i] = m
			} else {
				out.Metrics = append(out.Metrics, m)
			}
		}
	}
	if err := out.Index(); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// Index fills in the defaults of metrics that leave them out (multiplier
// 1, disclosure none, polarity none), validates the catalogue and builds
// its lookups. It must be called after the catalogue is decoded and before
// it is used.
func (c *Catalogue) Index() error {
	c.metrics = make(map[string]*Metric, len(c.Metrics))
	c.services = make(map[string]*Service, len(c.Services))
	var errs []error
	for i := range c.Services {
		s := &c.Services[i]
		if !validID(s.ID) {
			errs = append(errs, fmt.Errorf("service %q: id must be lower-case letters, digits and hyphens", s.ID))
		}
		if strings.TrimSpace(s.Title) == "" {
			errs = append(errs, fmt.Errorf("service %q: title is missing", s.ID))
		}
		switch s.Responsibility {
		case "", ResponsibilitySocialCare, ResponsibilityWasteCollection:
		default:
			errs = append(errs, fmt.Errorf("service %q: responsibility %q is not one of social_care, waste_collection", s.ID, s.Responsibility))
		}
		if _, dup := c.services[s.ID]; dup {
			errs = append(errs, fmt.Errorf("service %q is listed twice", s.ID))
		}
		c.services[s.ID] = s
	}
	for i := range c.Metrics {
		m := &c.Metrics[i]
		if _, dup := c.metrics[m.ID]; dup {
			errs = append(errs, fmt.Errorf("metric %q is listed twice", m.ID))
		}
		if m.Multiplier == 0 {
			m.Multiplier = 1
		}
		if m.Disclosure == "" {
			m.Disclosure = DisclosureNone
		}
		if m.Polarity == "" {
			m.Polarity = NoPolarity
		}
		if m.SmallCount == 0 && m.Disclosure == DisclosureSmallCounts {
			m.SmallCount = DefaultSmallCount
		}
		if m.MinDenominator == 0 && m.Disclosure == DisclosureSmallCounts {
			m.MinDenominator = DefaultMinDenominator
		}
		if err := c.validateMetric(m); err != nil {
			errs = append(errs, fmt.Errorf("metric %q: %w", m.ID, err))
		}
		c.metrics[m.ID] = m
	}
	errs = append(errs, c.validateSharedCounts()...)
	return errors.Join(errs...)
}

// validateSharedCounts checks that the metrics sharing a count have a
// service in common, since only figures of the same service share a
// count. A count named by one metric alone links nothing; it is allowed,
// so that a data folder's catalogue.yaml may replace one metric of a
// shared count without restating the others.
func (c *Catalogue) validateSharedCounts() []error {
	users := map[string][]*Metric{}
	for i := range c.Metrics {
		m := &c.Metrics[i]
		for _, name := range m.SharedCounts() {
			if len(users[name]) == 0 || users[name][len(users[name])-1] != m {
				users[name] = append(users[name], m)
			}
		}
	}
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(users)) {
		ms := users[name]
		for _, m := range ms[1:] {
			if !slices.ContainsFunc(m.Services, func(s string) bool { return s == "*" || ms[0].ForService(s) }) {
				errs = append(errs, fmt.Errorf("metric %q: count %q is shared with %q, but they have no service in "+
					"common, so no figure of one shares it with a figure of the other", m.ID, name, ms[0].ID))
			}
		}
	}
	return errs
}

func (c *Catalogue) validateMetric(m *Metric) error {
	var errs []string
	if !validID(m.ID) {
		errs = append(errs, "id must be lower-case letters, digits and hyphens")
	}
	if strings.TrimSpace(m.Title) == "" {
		errs = append(errs, "title is missing")
	}
	if !slices.Contains(Kinds, m.Kind) {
		errs = append(errs, fmt.Sprintf("kind %q is not one of proportion, rate, ratio, mean, count, score", m.Kind))
	}
	switch m.Unit {
	case UnitPercent, UnitPer1000, UnitPer100000, UnitGBP, UnitNumber:
	default:
		errs = append(errs, fmt.Sprintf("unit %q is not one of percent, per_1000, per_100000, gbp, number", m.Unit))
	}
	switch m.Polarity {
	case HigherIsBetter, LowerIsBetter, NoPolarity:
	default:
		errs = append(errs, fmt.Sprintf("polarity %q is not one of higher_is_better, lower_is_better, none", m.Polarity))
	}
	switch m.Disclosure {
	case DisclosureNone, DisclosureSmallCounts:
	default:
		errs = append(errs, fmt.Sprintf("disclosure %q is not one of none, small_counts", m.Disclosure))
	}
	if (m.Kind == KindProportion || m.Kind == KindRatio) && m.Unit == UnitPercent && m.Multiplier != 100 {
		errs = append(errs, fmt.Sprintf("a %s in percent needs multiplier 100", m.Kind))
	}
	if want, ok := unitMultiplier[m.Unit]; ok && m.Kind == KindRate && m.Multiplier != want {
		errs = append(errs, fmt.Sprintf("a rate in %s needs multiplier %g", m.Unit, want))
	}
	for _, sc := range []struct{ field, name string }{{"numerator_count", m.NumeratorCount}, {"denominator_count", m.DenominatorCount}} {
		if sc.name != "" && !validID(sc.name) {
			errs = append(errs, fmt.Sprintf("%s %q must be lower-case letters, digits and hyphens", sc.field, sc.name))
		}
	}
	if m.NumeratorCount != "" && m.NumeratorCount == m.DenominatorCount {
		errs = append(errs, "numerator_count and denominator_count name the same count")
	}
	if m.NumeratorCount != "" && !m.NeedsCounts() && m.Kind != KindCount {
		errs = append(errs, fmt.Sprintf("numerator_count is set, but a %s has no numerator", m.Kind))
	}
	if m.DenominatorCount != "" && !m.NeedsCounts() {
		errs = append(errs, fmt.Sprintf("denominator_count is set, but a %s has no denominator", m.Kind))
	}
	if m.Disclosure != DisclosureSmallCounts && (m.SmallCount != 0 || m.MinDenominator != 0) {
		errs = append(errs, "small_count and min_denominator apply only with disclosure small_counts")
	}
	if m.Disclosure == DisclosureSmallCounts {
		if m.SmallCount < 2 {
			errs = append(errs, fmt.Sprintf("small_count %d must be at least 2 (counts from 1 up to one below it are hidden; "+
				"leave it out for the default, %d)", m.SmallCount, DefaultSmallCount))
		}
		if m.MinDenominator < m.SmallCount {
			errs = append(errs, fmt.Sprintf("min_denominator %d must be at least small_count %d: a group smaller than a "+
				"small count is itself a small count (leave it out for the default, %d)", m.MinDenominator, m.SmallCount,
				DefaultMinDenominator))
		}
	}
	if m.Min != nil && m.Max != nil && *m.Min > *m.Max {
		errs = append(errs, "min is above max")
	}
	if m.Min != nil && (math.IsNaN(*m.Min) || math.IsInf(*m.Min, 0)) || m.Max != nil && (math.IsNaN(*m.Max) || math.IsInf(*m.Max, 0)) {
		errs = append(errs, "min and max must be finite")
	}
	if len(m.Services) == 0 {
		errs = append(errs, "services is empty")
	}
	for _, s := range m.Services {
		if _, ok := c.services[s]; !ok && s != "*" {
			errs = append(errs, fmt.Sprintf("service %q is not in the catalogue", s))
		}
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "; "))
	}
	return nil
}

var unitMultiplier = map[Unit]float64{UnitPer1000: 1000, UnitPer100000: 100000}

func validID(id string) bool {
	if id == "" {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}
