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
// JSON written out by hand, and that it reads back.
func TestRowsJSON(t *testing.T) {
	t.Parallel()
	f := func(v float64) *float64 { return &v }
	n := func(v int64) *int64 { return &v }
	rows := Rows{
		{SiteRow: duckdb.SiteRow{ComparisonRow: schemas.ComparisonRow{Metric: "m", Period: "2024-25-Q1", CouncilCode: "E08000009",
			ProviderID: "1-1", ProviderName: `Hope & "Co" Café`, Service: "homecare", Value: f(85.5), Numerator: n(855),
			Denominator: n(1000), ZScore: f(-1e-7), ChangeYear: f(2e21), BandNational: "better",
			Quintile: n(2), SimilarRank: n(3), SimilarN: n(11), RegionValue: f(80.25), ChangePrevBand: "worse"},
			CouncilName: "Trafford", Note: "line\nbreak"},
			ProviderURL: "providers/1-1/", MetricTitle: "not in the twin"},
		{SiteRow: duckdb.SiteRow{ComparisonRow: schemas.ComparisonRow{Metric: "m", Status: "c"}}},
	}
	// As writePage encodes a twin.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(struct {
		Rows Rows `json:"rows"`
	}{rows}); err != nil {
		t.Fatal(err)
	}
	b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	cols := `"metric","period","council_code","provider_id","provider_name","service","value","numerator","denominator","status",` +
		`"ci95_lower","ci95_upper","ci998_lower","ci998_upper","national_value","national_median","national_q1","national_q3",` +
		`"national_n","percentile_rank","quintile","z_score","robust_z","band_national","band_national_95","band_national_adjusted",` +
		`"region_value","band_region","council_type_value","band_council_type","similar_value","similar_rank","similar_n",` +
		`"band_similar","change_prev","change_prev_band","change_year","change_year_band","trend","trend_direction",` +
		`"council_name","region","council_type_name","sector","note"`
	row1 := `"m","2024-25-Q1","E08000009","1-1","Hope & \"Co\" Café","homecare",85.5,855,1000,"",` +
		`null,null,null,null,null,null,null,null,` +
		`null,null,2,-1e-7,null,"better","","",` +
		`80.25,"",null,"",null,3,11,` +
		`"",null,"worse",2e+21,"","","",` +
		`"Trafford","","","","line\nbreak"`
	row2 := `"m","","","","","",null,null,null,"c",` +
		`null,null,null,null,null,null,null,null,` +
		`null,null,null,null,null,"","","",` +
		`null,"",null,"",null,null,null,` +
		`"",null,"",null,"","","",` +
		`"","","","",""`
	want := `{"rows":{"columns":[` + cols + `],"data":[[` + row1 + `],[` + row2 + `]]}}`
	if string(b) != want {
		t.Errorf("got\n%s\nwant\n%s", b, want)
	}
	// encoding/json writes the same numbers for the same floats.
	for _, x := range []float64{-1e-7, 2e21, 85.5, 0.000001, 123456789} {
		got, err := appendJSONFloat(nil, x)
		std, _ := json.Marshal(x)
		if err != nil || string(got) != string(std) {
			t.Errorf("%v: got %s, encoding/json %s", x, got, std)
		}
	}
	var back struct {
		Rows Rows `json:"rows"`
	}
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Rows) != 2 || back.Rows[0].ProviderName != rows[0].ProviderName || *back.Rows[0].Numerator != 855 ||
		back.Rows[0].CI95Lower != nil || back.Rows[1].Status != "c" || back.Rows[0].Note != "line\nbreak" {
		t.Errorf("read back %+v", back.Rows)
	}
	var bad Rows
	if err := bad.UnmarshalJSON([]byte(`{"columns":["metric","period"],"data":[["m"]]}`)); err == nil ||
		!strings.Contains(err.Error(), "row 1 has 1 values for 2 columns") {
		t.Errorf("a short row: error %v", err)
	}
}
