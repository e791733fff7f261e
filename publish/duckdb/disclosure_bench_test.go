package duckdb

import (
	"context"
	"os"
	"testing"

	"github.com/yardstick-open/yardstick/data"
	"github.com/yardstick-open/yardstick/schemas"
	"github.com/yardstick-open/yardstick/schemas/config"
)

// BenchmarkBuildDataDir builds the data folder named by
// YARDSTICK_BENCH_DATA (a folder `yardstick sample` and `yardstick
// ingest` wrote; with releases/ in it, Build reads them as history), to
// time disclosure control on realistic returns:
//
//	yardstick sample --rows 200000 --one-file --seed 7 in
//	yardstick ingest --data data in/returns.csv
//	YARDSTICK_BENCH_DATA=$PWD/data go test ./publish/duckdb -run '^$' -bench BuildDataDir -benchtime 3x -v
func BenchmarkBuildDataDir(b *testing.B) {
	db, in := benchDataDir(b)
	for b.Loop() {
		if err := db.Build(context.Background(), in); err != nil {
			b.Fatal(err)
		}
	}
}

// benchDataDir opens a database in memory, closed when b ends, and the
// input that builds the data folder YARDSTICK_BENCH_DATA names with the
// built-in catalogue and councils; it skips b when no folder is named.
// YARDSTICK_BENCH_MEMORY, when set, is DuckDB's memory limit ("3GB"), with
// a temporary folder to spill to and the tables compacted after each
// step, as publish --memory-limit runs: without one, suppression at 20
// million rows outgrew a machine of 24 GB.
// Build's step lines, with their times, go to the benchmark's log (shown
// with -v), so a profile can be read against the steps.
func benchDataDir(b *testing.B) (*DB, BuildInput) {
	dir := os.Getenv("YARDSTICK_BENCH_DATA")
	if dir == "" {
		b.Skip("YARDSTICK_BENCH_DATA names no data folder")
	}
	cs, err := schemas.LoadCouncils(data.Reference())
	if err != nil {
		b.Fatal(err)
	}
	cat, err := config.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	opts := benchOptions(b)
	db, err := Open(context.Background(), "", opts)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db, BuildInput{DataDir: dir, Catalogue: cat, Councils: cs, Logf: b.Logf, Compact: opts.MemoryLimit != ""}
}

// benchOptions is two threads and, when YARDSTICK_BENCH_MEMORY is set,
// that memory limit with a temporary folder to spill to.
func benchOptions(b *testing.B) Options {
	b.Helper()
	opts := Options{Threads: 2}
	if limit := os.Getenv("YARDSTICK_BENCH_MEMORY"); limit != "" {
		if !ValidMemoryLimit(limit) {
			b.Fatalf("YARDSTICK_BENCH_MEMORY=%q is not a memory limit DuckDB takes, such as 3GB", limit)
		}
		opts.MemoryLimit, opts.TempDir = limit, b.TempDir()
	}
	return opts
}
