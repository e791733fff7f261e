package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/yardstick-open/yardstick/schemas"
	"github.com/yardstick-open/yardstick/schemas/config"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestReportGolden ingests each testdata/TestReportGolden/<case>/return.csv
// (with mapping.yaml if present) and compares the report's outcome and
// problems with report.golden.json. Run with -update to rewrite them after
// checking the differences by eye.
func TestReportGolden(t *testing.T) {
	t.Parallel()
	cases, err := filepath.Glob("testdata/TestReportGolden/*")
	if err != nil || len(cases) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, dir := range cases {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			p := testPipeline(t)
			var opt Options
			if _, err := os.Stat(filepath.Join(dir, "mapping.yaml")); err == nil {
				if opt.Mapping, err = config.ReadMapping(filepath.Join(dir, "mapping.yaml")); err != nil {
					t.Fatal(err)
				}
			}
			rep, err := p.IngestFile(context.Background(), filepath.Join(dir, "return.csv"), opt)
			if err != nil {
				t.Fatal(err)
			}
			got := goldenView(t, p.Layout, rep)
			path := filepath.Join(dir, "report.golden.json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("report differs from %s:\n got %s\nwant %s", path, got, want)
			}
		})
	}
}

// goldenView keeps the parts of a report that do not change from run to
// run (not the submission id, which holds the time), plus the rows as the
// warehouse would hold them, read back from the stored manifest.
func goldenView(t *testing.T, l schemas.Layout, rep *Report) []byte {
	t.Helper()
	var man schemas.Manifest
	b, err := os.ReadFile(filepath.Join(l.Submission(rep.Submission), "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &man); err != nil {
		t.Fatal(err)
	}
	v := struct {
		Status   string    `json:"status"`
		Rows     int       `json:"rows"`
		Councils []string  `json:"councils"`
		Periods  []string  `json:"periods"`
		Services []string  `json:"services"`
		Errors   int       `json:"errors"`
		Warnings int       `json:"warnings"`
		Files    int       `json:"warehouse_files"`
		Problems []Problem `json:"problems"`
	}{rep.Status, rep.Rows, rep.Councils, rep.Periods, rep.Services, rep.Errors, rep.Warnings, len(man.Files), rep.Problems}
	out, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(out, '\n')
}
