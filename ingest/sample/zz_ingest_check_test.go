package sample_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/yardstick-open/yardstick/data"
	"github.com/yardstick-open/yardstick/ingest"
	"github.com/yardstick-open/yardstick/schemas"
	"github.com/yardstick-open/yardstick/schemas/config"
)

func TestZZIngestAll(t *testing.T) {
	dir := os.Getenv("SAMPLE_DIR")
	if dir == "" {
		t.Skip()
	}
	cat, _ := config.Builtin()
	councils, _ := schemas.LoadCouncils(data.Reference())
	p := &ingest.Pipeline{Layout: schemas.Layout{Root: t.TempDir()}, Catalogue: cat, Councils: councils}
	files, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
	bad, warned, rows := 0, 0, 0
	for _, f := range files {
		rep, err := p.IngestFile(context.Background(), f, ingest.Options{})
		if err != nil {
			t.Fatal(f, err)
		}
		rows += rep.Rows
		if !rep.Accepted() {
			bad++
			if bad < 10 {
				t.Errorf("%s rejected: %v", f, rep.Problems[:min(5, len(rep.Problems))])
			}
		}
		if rep.Warnings > 0 {
			warned++
			if warned < 5 {
				t.Logf("%s warnings: %v", f, rep.Problems[:min(3, len(rep.Problems))])
			}
		}
	}
	t.Logf("%d files, %d rejected, %d with warnings, %d rows", len(files), bad, warned, rows)
}
