package site

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/yardstick-open/yardstick/publish/duckdb"
	"github.com/yardstick-open/yardstick/schemas"
)

// TestRowsJSON checks the arrays shape of a table in a JSON twin against
// JSON written out by hand, for each kind of table: the keys that join a
// row to comparisons.parquet, then the columns the page's table shows, and
// no other; and that it reads back.
func TestRowsJSON(t *testing.T) {
	t.Parallel()
	f := func(v float64) *float64 { return &v }
	n := func(v int64) *int64 { return &v }
	rows := []RowView{
		{SiteRow: duckdb.SiteRow{ComparisonRow: schemas.ComparisonRow{Metric: "m", Period: "2024-25-Q1", CouncilCode: "E08000009",
			ProviderID: "1-1", ProviderName: `Hope & "Co" Café`, Service: "homecare", Value: f(85.5), Numerator: n(855),
			Denominator: n(1000), CI95Lower: f(-1e-7), CI998Upper: f(2e21), PercentileRank: f(0.25), BandNational: "better",
			Quintile: n(2), SimilarRank: n(3), SimilarN: n(11), RegionValue: f(80.25), BandRegion: "similar",
			BandSimilar: "worse", ChangePrevBand: "worse"},
			CouncilName: "Trafford", Region: "North West", Note: "line\nbreak"},
			ProviderURL: "providers/1-1/", MetricTitle: "not in the twin"},
		{SiteRow: duckdb.SiteRow{ComparisonRow: schemas.ComparisonRow{Metric: "m", Status: "c"}}},
	}
	keys := `"metric","period","council_code","provider_id","service",`
	key1 := `"m","2024-25-Q1","E08000009","1-1","homecare",`
	key2 := `"m","","","","",`
	for _, tc := range []struct {
		kind       string
		rows       any
		cols       string
		row1, row2 string
	}{
		{"metric", MetricRows(rows),
			`"provider_name","council_name","region","value","status","ci95_lower","ci95_upper","ci998_lower","ci998_upper",` +
				`"band_national","percentile_rank","numerator","denominator","note"`,
			`"Hope & \"Co\" Café","Trafford","North West",85.5,"",-1e-7,null,null,2e+21,"better",0.25,855,1000,"line\nbreak"`,
			`"","","",null,"c",null,null,null,null,"",null,null,null,""`},
		{"provider", ProviderRows(rows),
			`"council_name","value","status","ci95_lower","ci95_upper","band_national","band_region","band_similar","numerator","denominator"`,
			`"Trafford",85.5,"",-1e-7,null,"better","similar","worse",855,1000`,
			`"",null,"c",null,null,"","","",null,null`},
		{"council", CouncilRows(rows),
			`"provider_name","value","status","ci95_lower","ci95_upper","band_national","band_similar","denominator"`,
			`"Hope & \"Co\" Café",85.5,"",-1e-7,null,"better","worse",1000`,
			`"",null,"c",null,null,"","",null`},
	} {
		// As writePage encodes a twin.
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(struct {
			Rows any `json:"rows"`
		}{tc.rows}); err != nil {
			t.Fatal(err)
		}
		b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
		want := `{"rows":{"columns":[` + keys + tc.cols + `],"data":[[` + key1 + tc.row1 + `],[` + key2 + tc.row2 + `]]}}`
		if string(b) != want {
			t.Errorf("%s:\ngot\n%s\nwant\n%s", tc.kind, b, want)
		}
		var back struct {
			Rows CouncilRows `json:"rows"`
		}
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if len(back.Rows) != 2 || back.Rows[0].ProviderID != "1-1" || back.Rows[0].Service != "homecare" || *back.Rows[0].Value != 85.5 ||
			back.Rows[0].CI95Upper != nil || back.Rows[1].Status != "c" || back.Rows[0].Quintile != nil {
			t.Errorf("%s: read back %+v", tc.kind, back.Rows)
		}
	}
	// encoding/json writes the same numbers for the same floats.
	for _, x := range []float64{-1e-7, 2e21, 85.5, 0.000001, 123456789} {
		got, err := appendJSONFloat(nil, x)
		std, _ := json.Marshal(x)
		if err != nil || string(got) != string(std) {
			t.Errorf("%v: got %s, encoding/json %s", x, got, std)
		}
	}
	var bad MetricRows
	if err := bad.UnmarshalJSON([]byte(`{"columns":["metric","period"],"data":[["m"]]}`)); err == nil ||
		!strings.Contains(err.Error(), "row 1 has 1 values for 2 columns") {
		t.Errorf("a short row: error %v", err)
	}
}
