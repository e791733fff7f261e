package publish

import (
	"context"
	"crypto/sha256"
	"io"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/publish/duckdb"
	"github.com/yardstick-open/yardstick/schemas"
)

// BenchmarkExportFiles writes a release's download files from its
// yardstick.duckdb, two at a time as publish does (exportFiles), with
// DuckDB on exportThreads's threads and, as the peer, on one thread per
// core, as publish gave the exports before; each goes first in every
// other iteration. It fails unless both write the same bytes. It reports
// each one's seconds (opening the database to closing it) and the ratio;
// ns/op is the two together with the hashing. The release is the one
// YARDSTICK_BENCH_RELEASE names (a release folder's yardstick.duckdb,
// such as a sample's of five million rows), or else a small fixture's,
// too small for the order of its rows to depend on the threads, and
// DuckDB runs under the memory limit YARDSTICK_BENCH_MEMORY gives, if
// any:
//
//	YARDSTICK_BENCH_RELEASE=<data folder>/current/yardstick.duckdb YARDSTICK_BENCH_MEMORY=3GB go test ./publish -run '^$' -bench ExportFiles -benchtime 3x
func BenchmarkExportFiles(b *testing.B) {
	ctx := context.Background()
	dbFile := os.Getenv("YARDSTICK_BENCH_RELEASE")
	if dbFile == "" {
		root := b.TempDir()
		addSubmissions(b, root, baseSubs()...)
		pb := newBuilder(root, t0)
		pb.Site = nil
		rel, err := pb.Publish(ctx)
		if err != nil {
			b.Fatal(err)
		}
		dbFile = filepath.Join(rel.Dir, schemas.DatabaseFile)
	}
	// As publish runs: DuckDB's default threads, and no memory limit
	// unless one is given.
	builder := &Builder{DuckDB: duckdb.Options{MemoryLimit: os.Getenv("YARDSTICK_BENCH_MEMORY")}}
	cores := runtime.GOMAXPROCS(0)
	if cores < 2 {
		b.Skip("one core: the exports' threads would be the peer's")
	}
	// export writes the files into a new folder with threads threads,
	// adds its time to took and returns each file's SHA-256.
	export := func(threads int, took *time.Duration) map[string][sha256.Size]byte {
		dir := b.TempDir()
		if err := os.MkdirAll(filepath.Join(dir, "data"), 0o755); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if err := builder.exportFiles(ctx, dir, dbFile, threads); err != nil {
			b.Fatal(err)
		}
		*took += time.Since(start)
		sums := map[string][sha256.Size]byte{}
		files, err := filepath.Glob(filepath.Join(dir, "data", "*"))
		if err != nil {
			b.Fatal(err)
		}
		for _, f := range files {
			h := sha256.New()
			in, err := os.Open(f)
			if err != nil {
				b.Fatal(err)
			}
			_, err = io.Copy(h, in)
			in.Close()
			if err != nil {
				b.Fatal(err)
			}
			sums[filepath.Base(f)] = [sha256.Size]byte(h.Sum(nil))
		}
		if err := os.RemoveAll(dir); err != nil {
			b.Fatal(err)
		}
		return sums
	}
	var ours, peer time.Duration
	n := 0
	for b.Loop() {
		var a, p map[string][sha256.Size]byte
		if n%2 == 0 {
			a = export(exportThreads(0), &ours)
			p = export(cores, &peer)
		} else {
			p = export(cores, &peer)
			a = export(exportThreads(0), &ours)
		}
		if len(a) == 0 {
			b.Fatal("no files exported")
		}
		names := slices.Sorted(maps.Keys(a))
		for f := range p {
			if _, ok := a[f]; !ok {
				names = append(names, f)
			}
		}
		for _, f := range names {
			if a[f] != p[f] {
				b.Errorf("%s: the exports on %d threads and on %d wrote different bytes", f, exportThreads(0), cores)
			}
		}
		if b.Failed() {
			b.FailNow()
		}
		n++
	}
	b.ReportMetric(ours.Seconds()/float64(n), "exports-s/op")
	b.ReportMetric(peer.Seconds()/float64(n), "per-core-s/op")
	b.ReportMetric(ours.Seconds()/peer.Seconds(), "time-ratio")
}
