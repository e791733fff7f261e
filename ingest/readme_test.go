package ingest

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/yardstick-open/yardstick/schemas/config"
)

// TestReadmeMappings checks the README's mapping examples, kept in
// testdata/readme/<case>/ with a return each (issue 12, item 9: the example
// once failed as written). Each return is accepted, and the warehouse holds
// exactly the figures the return's lines give, written out here by hand.
func TestReadmeMappings(t *testing.T) {
	t.Parallel()
	type fig struct {
		line           int64
		metric, period string
		provider       string
		value          float64 // -1 for none
		status         string
	}
	tests := []struct {
		name string
		want []fig
	}{
		// Line 5 is Trafford's figure; line 6, England's total, is passed
		// over by the skip rule.
		{"long", []fig{{5, "asc-user-satisfaction", "2023-24", "", 64.2, ""}}},
		// Each line gives a row per wide column; [c] is a marker.
		{"wide", []fig{
			{2, "hc-continuity", "2024-25-Q1", "1-101234567", 71.5, ""},
			{2, "hc-visits-on-time", "2024-25-Q1", "1-101234567", 85.0, ""},
			{3, "hc-continuity", "2024-25-Q1", "1-109876543", -1, "c"},
			{3, "hc-visits-on-time", "2024-25-Q1", "1-109876543", 91.2, ""},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join("testdata", "readme", tt.name)
			m, err := config.ReadMapping(filepath.Join(dir, "mapping.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(filepath.Join(dir, "return.csv"))
			if err != nil {
				t.Fatal(err)
			}
			p := testPipeline(t)
			rep := ingestBytes(t, p, b, Options{Mapping: m})
			if !rep.Accepted() || rep.Warnings != 0 {
				t.Fatalf("status %s, problems %v", rep.Status, rep.Problems)
			}
			var got []fig
			for _, f := range whParquetPaths(t, p.Layout.Root) {
				obs, err := parquet.ReadFile[Observation](f)
				if err != nil {
					t.Fatal(err)
				}
				for _, o := range obs {
					v := -1.0
					if o.Value != nil {
						v = *o.Value
					}
					if o.CouncilCode != "E08000009" {
						t.Errorf("line %d: council %s", o.SourceLine, o.CouncilCode)
					}
					got = append(got, fig{o.SourceLine, o.Metric, o.Period, o.ProviderID, v, o.Status})
				}
			}
			slices.SortFunc(got, func(a, b fig) int {
				if a.line != b.line {
					return int(a.line - b.line)
				}
				if a.metric < b.metric {
					return -1
				}
				return 1
			})
			if !slices.Equal(got, tt.want) {
				t.Errorf("warehouse rows\n got %v\nwant %v", got, tt.want)
			}
		})
	}
}
