package config

import (
	"errors"
	"io/fs"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/yardstick-open/yardstick/schemas"
)

func TestBuiltin(t *testing.T) {
	t.Parallel()
	c, err := Builtin()
	if err != nil {
		t.Fatalf("Builtin: %v", err)
	}
	ids := c.MetricIDs()
	if len(ids) < 20 {
		t.Fatalf("built-in catalogue has %d metrics, want at least 20", len(ids))
	}
	// DESIGN.md names these as the least the built-in catalogue covers.
	for _, id := range []string{
		"hc-visits-on-time", "hc-missed-visits", "hc-hours-delivered", "hc-continuity",
		"ch-occupancy", "ch-falls", "ch-pressure-ulcers", "ch-hospital-admissions",
		"cyp-unplanned-endings", "cyp-missing-episodes", "waste-missed-collections", "waste-recycling-rate",
		"complaints-upheld", "safeguarding-concerns", "staff-turnover", "vacancy-rate",
		"user-satisfaction", "outcomes-achieved", "social-value", "price-per-hour",
	} {
		if !slices.Contains(ids, id) {
			t.Errorf("built-in catalogue lacks %s", id)
		}
	}
	for _, s := range []string{"homecare", "care-home", "supported-living", "childrens-home", "waste-collection"} {
		if _, err := c.Service(s); err != nil {
			t.Errorf("built-in catalogue lacks service %s: %v", s, err)
		}
	}
	// Every built-in service is one only some councils commission.
	for _, s := range c.Services {
		want := schemas.ResponsibilitySocialCare
		if s.ID == "waste-collection" {
			want = schemas.ResponsibilityWasteCollection
		}
		if s.Responsibility != want {
			t.Errorf("service %s needs responsibility %q, want %q", s.ID, s.Responsibility, want)
		}
	}
	// Metrics that count the same thing say so, for disclosure control
	// to protect them together (issue 7).
	for _, tt := range []struct{ id, numerator, denominator string }{
		{"ch-occupancy", "occupied-bed-days", ""},
		{"ch-falls", "", "occupied-bed-days"},
		{"ch-pressure-ulcers", "", "occupied-bed-days"},
		{"ch-hospital-admissions", "", "occupied-bed-days"},
		{"complaints-upheld", "", "people-served"},
		{"safeguarding-concerns", "", "people-served"},
		{"hc-visits-on-time", "", "visits-delivered"},
		{"hc-continuity", "", "visits-delivered"},
	} {
		m, err := c.Metric(tt.id)
		if err != nil {
			t.Fatal(err)
		}
		if m.NumeratorCount != tt.numerator || m.DenominatorCount != tt.denominator {
			t.Errorf("%s shares numerator %q and denominator %q, want %q and %q", tt.id, m.NumeratorCount,
				m.DenominatorCount, tt.numerator, tt.denominator)
		}
	}
	// Today's rule is every small_counts metric's threshold.
	for _, m := range c.Metrics {
		if m.Disclosure == schemas.DisclosureSmallCounts && (m.SmallCount != 5 || m.MinDenominator != 10) {
			t.Errorf("%s: small_count %d, min_denominator %d; want 5 and 10", m.ID, m.SmallCount, m.MinDenominator)
		}
	}
	m, err := c.Metric("hc-missed-visits")
	if err != nil {
		t.Fatal(err)
	}
	if m.Kind != schemas.KindRate || m.Unit != schemas.UnitPer1000 || m.Multiplier != 1000 || m.Polarity != schemas.LowerIsBetter {
		t.Errorf("hc-missed-visits = %s %s x%g %s, want rate per_1000 x1000 lower_is_better", m.Kind, m.Unit, m.Multiplier, m.Polarity)
	}
}

func TestLoadCatalogue(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("testdata", "TestLoadCatalogue")
	builtin, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}

	t.Run("missing file gives the built-in catalogue", func(t *testing.T) {
		t.Parallel()
		c, err := LoadCatalogue(filepath.Join(dir, "absent.yaml"))
		if err != nil {
			t.Fatalf("LoadCatalogue: %v", err)
		}
		if got, want := c.MetricIDs(), builtin.MetricIDs(); !slices.Equal(got, want) {
			t.Errorf("MetricIDs() = %v, want the built-in %v", got, want)
		}
	})

	t.Run("extends and overrides", func(t *testing.T) {
		t.Parallel()
		c, err := LoadCatalogue(filepath.Join(dir, "extends.yaml"))
		if err != nil {
			t.Fatalf("LoadCatalogue: %v", err)
		}
		if got, want := len(c.MetricIDs()), len(builtin.MetricIDs())+1; got != want {
			t.Errorf("%d metrics, want %d", got, want)
		}
		if _, err := c.Service("day-care"); err != nil {
			t.Errorf("Service(day-care): %v", err)
		}
		m, err := c.Metric("price-per-hour")
		if err != nil {
			t.Fatal(err)
		}
		if m.Title != "Price paid per hour of home care" || !slices.Equal(m.Services, []string{"homecare"}) || m.Max != nil {
			t.Errorf("price-per-hour = %q %v max %v, want the user's whole entry", m.Title, m.Services, m.Max)
		}
	})

	t.Run("thresholds and shared counts", func(t *testing.T) {
		t.Parallel()
		c, err := LoadCatalogue(filepath.Join(dir, "thresholds.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			id                 string
			small, denominator int
		}{{"user-satisfaction", 10, 20}, {"user-dissatisfaction", 5, 10}} {
			m, err := c.Metric(tt.id)
			if err != nil {
				t.Fatal(err)
			}
			if m.SmallCount != tt.small || m.MinDenominator != tt.denominator || m.DenominatorCount != "survey-respondents" {
				t.Errorf("%s: small_count %d, min_denominator %d, denominator_count %q; want %d, %d, survey-respondents",
					tt.id, m.SmallCount, m.MinDenominator, m.DenominatorCount, tt.small, tt.denominator)
			}
		}
	})

	errorTests := []struct {
		name string
		file string
		want []string // parts of the message
	}{
		{"invalid metric", "invalid.yaml", []string{
			"invalid.yaml: ",
			`metric "dc-attendance": a proportion in percent needs multiplier 100; service "day-care" is not in the catalogue`,
		}},
		{"misspelt field", "misspelt.yaml", []string{"misspelt.yaml: decode catalogue: ", "field servces not found"}},
		{"thresholds out of order", "thresholds-invalid.yaml", []string{"thresholds-invalid.yaml: ",
			`metric "user-satisfaction": min_denominator 5 must be at least small_count 10`}},
	}
	for _, tt := range errorTests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := LoadCatalogue(filepath.Join(dir, tt.file))
			if err == nil {
				t.Fatal("LoadCatalogue succeeded, want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestDecodeCatalogueEmpty(t *testing.T) {
	t.Parallel()
	c, err := DecodeCatalogue(strings.NewReader("# nothing yet\n"))
	if err != nil {
		t.Fatalf("DecodeCatalogue: %v", err)
	}
	if len(c.Metrics) != 0 || len(c.Services) != 0 {
		t.Errorf("DecodeCatalogue of a comment = %+v, want an empty catalogue", c)
	}
}

// designExample is the mapping file shown in DESIGN.md's "Return format".
var designExample = &schemas.Mapping{
	SkipRows: 3,
	Columns:  map[string]string{"council_code": "Local authority code", "metric": "Code", "period": "Financial year", "value": "Value"},
	Recode:   map[string]map[string]string{"metric": {"ASC1": "asc-carer-qol"}},
	Constant: map[string]string{"service": "adult-social-care"},
	Wide:     map[string]string{"On time %": "hc-visits-on-time"},
}

func TestDecodeMapping(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		yaml string
		want *schemas.Mapping
	}{
		{
			"design example",
			`skip_rows: 3            # preamble rows before the header
columns: {council_code: "Local authority code", metric: "Code", period: "Financial year", value: "Value"}
recode:  {metric: {ASC1: asc-carer-qol}}
constant: {service: adult-social-care}
wide:    {"On time %": hc-visits-on-time}   # optional: columns that are metrics
`,
			designExample,
		},
		{
			"skip totals",
			"columns: {council_code: Code}\nskip: {council_code: [E92000001, E12000002]}\n",
			&schemas.Mapping{Columns: map[string]string{"council_code": "Code"}, Skip: map[string][]string{"council_code": {"E92000001", "E12000002"}}},
		},
		{"only a preamble", "skip_rows: 2\n", &schemas.Mapping{SkipRows: 2}},
		{
			"skip by a source header",
			"skip: {measure: [Frequency]}\n",
			&schemas.Mapping{Skip: map[string][]string{"measure": {"Frequency"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := DecodeMapping(strings.NewReader(tt.yaml))
			if err != nil {
				t.Fatalf("DecodeMapping: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("DecodeMapping\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestDecodeMappingErrors(t *testing.T) {
	t.Parallel()
	const cols = "the columns are council_code, provider_id, provider_name, provider_sector, service, metric, period, numerator, denominator, value, note"
	tests := []struct {
		name string
		yaml string
		want string // the whole message, or a part of it when partial
		part bool
	}{
		{"empty file", "", "the mapping file is empty", false},
		{"only comments", "# to do\n", "the mapping file is empty", false},
		{"unknown field", "skip_row: 3\n", "field skip_row not found in type schemas.Mapping", true},
		{"not a mapping", "- a\n- b\n", "decode mapping: ", true},
		{"column not canonical", "columns: {council: LA}\n",
			`columns: "council" is not a column of the return format; did you mean council_code? ` + cols, false},
		{"constant not canonical", "constant: {services: homecare}\n",
			`constant: "services" is not a column of the return format; did you mean service? ` + cols, false},
		{"recode not canonical", "recode: {Metric: {ASC1: asc-carer-qol}}\n",
			`recode: "Metric" is not a column of the return format; did you mean metric? ` + cols, false},
		{"negative skip_rows", "skip_rows: -1\n", "skip_rows must not be negative", false},
		{"blank source column", "columns: {value: ' '}\n", "columns: value names no source column", false},
		{"column and constant", "columns: {service: Service}\nconstant: {service: homecare}\n",
			"service is given both a source column and a constant; keep one", false},
		{"every problem, sorted", "skip_rows: -2\ncolumns: {zeta: Z, alpha: A, value: V}\nconstant: {value: '1'}\n",
			"skip_rows must not be negative\n" +
				`columns: "alpha" is not a column of the return format; ` + cols + "\n" +
				`columns: "zeta" is not a column of the return format; ` + cols + "\n" +
				"value is given both a source column and a constant; keep one", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := DecodeMapping(strings.NewReader(tt.yaml))
			if err == nil {
				t.Fatalf("DecodeMapping = %+v, want error %q", got, tt.want)
			}
			if tt.part && !strings.Contains(err.Error(), tt.want) || !tt.part && err.Error() != tt.want {
				t.Errorf("DecodeMapping error\n got %q\nwant %q", err.Error(), tt.want)
			}
		})
	}
}

func TestReadMapping(t *testing.T) {
	t.Parallel()
	got, err := ReadMapping(filepath.Join("testdata", "TestReadMapping", "ascof.yaml"))
	if err != nil {
		t.Fatalf("ReadMapping: %v", err)
	}
	if !reflect.DeepEqual(got, designExample) {
		t.Errorf("ReadMapping\n got %+v\nwant %+v", got, designExample)
	}
	if _, err := ReadMapping(filepath.Join("testdata", "TestReadMapping", "absent.yaml")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadMapping of a missing file error = %v, want fs.ErrNotExist", err)
	}
}
