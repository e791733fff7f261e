package schemas

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// jsonNames returns the JSON names of a struct type's fields, in order.
func jsonNames(t reflect.Type) []string {
	var out []string
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		out = append(out, name)
	}
	return out
}

// TestRowTypesMatchTables pins each row type to its public table, so that
// an API body names the same columns, in the same order, as the CSV file.
func TestRowTypesMatchTables(t *testing.T) {
	t.Parallel()
	tests := []struct {
		table string
		row   any
	}{
		{"comparisons", ComparisonRow{}},
		{"providers", ProviderRow{}},
		{"councils", CouncilRow{}},
		{"period_links", PeriodRow{}},
		{"benchmarks", BenchmarkRow{}},
		{"funnel_limits", FunnelLimit{}},
		{"provider_profile", ProviderProfileRow{}},
		{"submissions", Submission{}},
	}
	for _, tt := range tests {
		t.Run(tt.table, func(t *testing.T) {
			t.Parallel()
			table, ok := PublicTable(tt.table)
			if !ok {
				t.Fatalf("PublicTable(%q) not found", tt.table)
			}
			got, want := jsonNames(reflect.TypeOf(tt.row)), table.ColumnNames()
			if !slices.Equal(got, want) {
				t.Errorf("%T JSON names = %v, want the columns of %s %v", tt.row, got, tt.table, want)
			}
		})
	}
}

// TestMetricNamesMatchTable checks the catalogue's Metric, which the
// metrics table is read into, has a JSON name for every column; its field
// order is the catalogue's, not the table's.
func TestMetricNamesMatchTable(t *testing.T) {
	t.Parallel()
	table, _ := PublicTable("metrics")
	got := jsonNames(reflect.TypeOf(Metric{}))
	want := table.ColumnNames()
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("Metric JSON names = %v, want %v", got, want)
	}
}

func TestRowJSON(t *testing.T) {
	t.Parallel()
	v, n := 12.5, int64(40)
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"blank numbers are null", ComparisonRow{Metric: "m", Status: "c"},
			`{"metric":"m","period":"","council_code":"","provider_id":"","provider_name":"","service":"","value":null,` +
				`"numerator":null,"denominator":null,"status":"c","ci95_lower":null,"ci95_upper":null,"ci998_lower":null,` +
				`"ci998_upper":null,"national_value":null,"national_median":null,"national_q1":null,"national_q3":null,` +
				`"national_n":null,"percentile_rank":null,"quintile":null,"z_score":null,"robust_z":null,"band_national":"",` +
				`"band_national_95":"","band_national_adjusted":"","region_value":null,"band_region":"","council_type_value":null,` +
				`"band_council_type":"","similar_value":null,"similar_rank":null,"similar_n":null,"band_similar":"",` +
				`"change_prev":null,"change_prev_band":"","change_year":null,"change_year_band":"",` +
				`"trend":"","trend_direction":""}`},
		{"numbers", ComparisonRow{Value: &v, Denominator: &n},
			`"value":12.5,"numerator":null,"denominator":40,`},
		{"page", Page[PeriodRow]{Items: []PeriodRow{{Period: "2024-25-Q1", Kind: Quarter,
			PeriodStart: DateOf(time.Date(2024, 4, 1, 13, 0, 0, 0, time.UTC))}}, Total: 3, Page: 2, PageSize: 1},
			`{"items":[{"period":"2024-25-Q1","kind":"quarter","period_start":"2024-04-01",` +
				`"period_end":null,"previous":"","year_earlier":""}],"total":3,"page":2,"page_size":1}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, err := json.Marshal(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := string(b); !strings.Contains(got, tt.want) {
				t.Errorf("json.Marshal = %s, want it to hold %s", got, tt.want)
			}
		})
	}
}

func TestComparisonRowKey(t *testing.T) {
	t.Parallel()
	r := ComparisonRow{Metric: "m", Period: "p", CouncilCode: "c", ProviderID: "", Service: "s", ProviderName: "n"}
	want := ObservationKey{Metric: "m", Period: "p", CouncilCode: "c", ProviderID: "", Service: "s"}
	if got := r.Key(); got != want {
		t.Errorf("Key() = %+v, want %+v", got, want)
	}
}

func TestDateJSON(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   string
		want Date
		err  bool
	}{
		{`"2024-04-01"`, Date{time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)}, false},
		{`null`, Date{}, false},
		{`"2024-04-01T00:00:00Z"`, Date{}, true},
		{`"01/04/2024"`, Date{}, true},
	} {
		var got Date
		err := json.Unmarshal([]byte(tt.in), &got)
		if (err != nil) != tt.err || !got.Equal(tt.want.Time) {
			t.Errorf("Unmarshal(%s) = %v, %v; want %v, error %t", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestSpreadsheetSafe(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":                           "",
		"Brightwater Care Ltd":       "Brightwater Care Ltd",
		`=HYPERLINK("http://x","y")`: `'=HYPERLINK("http://x","y")`,
		"+cmd|' /C calc'!A0":         "'+cmd|' /C calc'!A0",
		"-1+1":                       "'-1+1",
		"@SUM(A1)":                   "'@SUM(A1)",
		"\t=1":                       "'\t=1",
		"\r=1":                       "'\r=1",
		"a=1":                        "a=1",
	} {
		if got := SpreadsheetSafe(in); got != want {
			t.Errorf("SpreadsheetSafe(%q) = %q, want %q", in, got, want)
		}
	}
}
