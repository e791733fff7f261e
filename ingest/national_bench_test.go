package ingest

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/yardstick-open/yardstick/ingest/sample"
)

// nationalRows sizes BenchmarkIngestNational's file: go test -bench
// IngestNational ./ingest -args -national-rows 1000000 measures (or, with
// -cpuprofile, profiles) ingest at the size the scale benchmark reports.
var nationalRows = flag.Int("national-rows", 300_000, "rows of BenchmarkIngestNational's file")

// BenchmarkIngestNational ingests one national file: every English council,
// many quarters, thousands of small partitions, as a bulk load would be.
func BenchmarkIngestNational(b *testing.B) {
	p := testPipeline(b)
	dir := b.TempDir()
	sum, err := sample.Generate(dir, p.Catalogue, p.Councils, sample.Options{Rows: *nationalRows, OneFile: true, Seed: 7})
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(dir, sample.OneFileName)
	st, _ := os.Stat(path)
	b.SetBytes(st.Size())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p.Layout.Root = b.TempDir()
		rep, err := p.IngestFile(context.Background(), path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if !rep.Accepted() {
			b.Fatalf("rejected: %v", rep.Problems[:min(3, len(rep.Problems))])
		}
	}
	b.ReportMetric(float64(sum.Rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}
