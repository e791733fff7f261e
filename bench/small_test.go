package bench

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/data"
	"github.com/yardstick-open/yardstick/ingest"
	"github.com/yardstick-open/yardstick/ingest/sample"
	"github.com/yardstick-open/yardstick/schemas"
	"github.com/yardstick-open/yardstick/schemas/config"
)

var smallFiles = flag.Int("small-files", 300, "how many small sample returns BenchmarkIngestSmall ingests")

// BenchmarkIngestSmall is the council case: small returns (one council and
// quarter each, as yardstick sample writes them, from a few rows to about
// a hundred) ingested one at a time into the same data folder, each timed
// on its own. The peer is DuckDB loading the same file into Parquet, with
// no checks: COPY (FROM read_csv(…)) TO '….parquet', on a connection opened
// once, as the pipeline is built once. Both run in this process, one file
// each in turn, so the machine's noise falls on both alike. Target: a
// small return ingested no slower than DuckDB loads it, at p50 and p95.
// The returns are the council case, the same whatever -rows says.
func BenchmarkIngestSmall(b *testing.B) {
	dir := b.TempDir()
	cat, err := config.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	councils, err := schemas.LoadCouncils(data.Reference())
	if err != nil {
		b.Fatal(err)
	}
	// 20,000 rows make one file per council (88 of them) and quarter (8),
	// 704 returns of a few to about a hundred rows.
	if _, err := sample.Generate(filepath.Join(dir, "in"), cat, councils, sample.Options{Rows: 20_000, Seed: 7}); err != nil {
		b.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "in", "*.csv"))
	if err != nil || len(files) == 0 {
		b.Fatalf("no sample returns: %v", err)
	}
	slices.Sort(files)
	files = files[:min(len(files), *smallFiles)]

	db, err := sql.Open("duckdb", "")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)

	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p := &ingest.Pipeline{Layout: schemas.Layout{Root: filepath.Join(dir, fmt.Sprintf("data%d", i))}, Catalogue: cat, Councils: councils}
		outDir := filepath.Join(dir, fmt.Sprintf("duck%d", i))
		if err := os.MkdirAll(outDir, 0o755); err != nil {
			b.Fatal(err)
		}
		var ys, dd []time.Duration
		rows, skipped := 0, 0
		var allocated uint64 // bytes Yardstick's ingests allocated
		for j, path := range files {
			// Which of the two goes first alternates, so neither always
			// finds the file warm in the page cache for the other.
			var y time.Duration
			var n int
			ingestOne := func() {
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				start := time.Now()
				rep, err := p.IngestFile(context.Background(), path, ingest.Options{})
				y = time.Since(start)
				runtime.ReadMemStats(&after)
				allocated += after.TotalAlloc - before.TotalAlloc
				if err != nil {
					b.Fatal(err)
				}
				if !rep.Accepted() {
					b.Fatalf("%s rejected: %v", path, rep.Problems[:min(3, len(rep.Problems))])
				}
				n = rep.Rows
			}
			if j%2 == 1 {
				ingestOne()
			}
			d, err := duckdbLoad(db, path, filepath.Join(outDir, fmt.Sprintf("%d.parquet", j)))
			if errors.Is(err, errNotUTF8) {
				skipped++
				continue
			}
			if err != nil {
				b.Fatalf("duckdb: %s: %v", path, err)
			}
			if j%2 == 0 {
				ingestOne()
			}
			ys, dd = append(ys, y), append(dd, d)
			rows += n
		}
		ys50, ys95 := percentile(ys, 50), percentile(ys, 95)
		dd50, dd95 := percentile(dd, 50), percentile(dd, 95)
		b.ReportMetric(millis(ys50), "yardstick-p50-ms")
		b.ReportMetric(millis(ys95), "yardstick-p95-ms")
		b.ReportMetric(millis(dd50), "duckdb-p50-ms")
		b.ReportMetric(millis(dd95), "duckdb-p95-ms")
		b.ReportMetric(float64(dd50)/float64(ys50), "ratio-p50")
		fmt.Printf("\n%d small returns (%d rows, %.0f a file), one at a time, time per file:\n", len(ys), rows, float64(rows)/float64(len(ys)))
		fmt.Printf("  (%d more of the %d sample files are Windows-1252, which DuckDB cannot read: left out of both)\n", skipped, len(files))
		fmt.Printf("  yardstick ingest (checked, fsynced): p50 %6.2f ms  p95 %6.2f ms\n", millis(ys50), millis(ys95))
		fmt.Printf("  duckdb COPY to Parquet (unchecked):  p50 %6.2f ms  p95 %6.2f ms\n", millis(dd50), millis(dd95))
		fmt.Printf("  ratio (duckdb time / yardstick time) p50 %.2f, p95 %.2f (target >= 1: %s)\n",
			float64(dd50)/float64(ys50), float64(dd95)/float64(ys95), verdict(ys50 <= dd50 && ys95 <= dd95))
		// Both run in this process, so its peak is theirs together; what
		// Yardstick allocates a return is its own.
		var ru syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		perFile := float64(allocated) / float64(len(ys)) / 1e6
		fmt.Printf("  yardstick allocated %.2f MB a return; this process (both, and the benchmarks before) peaked at %.0f MB\n",
			perFile, float64(ru.Maxrss)/1024)
		report(scaleLine{
			what:   fmt.Sprintf("%d small returns (%.0f rows a file), one at a time", len(ys), float64(rows)/float64(len(ys))),
			figure: fmt.Sprintf("p50 %.2f ms, p95 %.2f ms", millis(ys50), millis(ys95)),
			peer:   fmt.Sprintf("DuckDB COPY to Parquet, in process: p50 %.2f ms, p95 %.2f ms", millis(dd50), millis(dd95)),
			ratio: fmt.Sprintf("p50 %.2f, p95 %.2f (≥ 1: %s)", float64(dd50)/float64(ys50), float64(dd95)/float64(ys95),
				verdict(ys50 <= dd50 && ys95 <= dd95)),
			peak: fmt.Sprintf("%.2f MB allocated a return; %.0f MB the process, both", perFile, float64(ru.Maxrss)/1024),
		})
	}
}

// percentile returns the p-th percentile of d by the nearest-rank method.
func percentile(d []time.Duration, p int) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	rank := (p*len(s) + 99) / 100 // ceil(p/100 × n), 1-based
	return s[max(rank, 1)-1]
}

func millis(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// errNotUTF8 is DuckDB refusing a file that is not UTF-8.
var errNotUTF8 = errors.New("not UTF-8")

// duckdbLoad copies the CSV at path to a Parquet file at out with DuckDB
// and returns how long it took. DuckDB reads UTF-8 and Latin-1 but not
// Windows-1252 (the sample's returns in that encoding have en dashes and
// pound signs, which Latin-1 lacks): those it refuses with errNotUTF8.
func duckdbLoad(db *sql.DB, path, out string) (time.Duration, error) {
	// The paths are the benchmark's own files; COPY takes no parameters
	// for its target.
	lit := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	start := time.Now()
	_, err := db.Exec(fmt.Sprintf("COPY (FROM read_csv(%s)) TO %s (FORMAT parquet)", lit(path), lit(out)))
	d := time.Since(start)
	if err != nil && strings.Contains(err.Error(), "not utf-8 encoded") {
		return d, errNotUTF8
	}
	return d, err
}

// TestPercentile checks the nearest-rank percentile against ranks worked
// out by hand: of 20 values the 50th percentile is the 10th smallest
// (ceil(0.50 × 20)) and the 95th the 19th (ceil(0.95 × 20)); of 3, the
// 50th is the 2nd (ceil(1.5)); of one, every percentile is that one.
func TestPercentile(t *testing.T) {
	t.Parallel()
	var twenty []time.Duration
	for i := 20; i >= 1; i-- { // unsorted on purpose
		twenty = append(twenty, time.Duration(i)*time.Millisecond)
	}
	tests := []struct {
		name string
		d    []time.Duration
		p    int
		want time.Duration
	}{
		{"p50 of 20", twenty, 50, 10 * time.Millisecond},
		{"p95 of 20", twenty, 95, 19 * time.Millisecond},
		{"p50 of 3", []time.Duration{3, 1, 2}, 50, 2},
		{"p95 of 1", []time.Duration{7}, 95, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := percentile(tt.d, tt.p); got != tt.want {
				t.Errorf("percentile %d = %v, want %v", tt.p, got, tt.want)
			}
		})
	}
}
