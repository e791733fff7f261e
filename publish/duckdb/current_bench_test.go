//go:build unix

package duckdb

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/schemas"
)

// benchCouncils, benchPeriods and benchProviders size the warehouse
// BenchmarkLoadObservations reads: one council return per council and
// period, as councils send them, each of benchProviders providers and two
// metrics: 2,000 files of 40 rows here.
const (
	benchCouncils  = 250
	benchPeriods   = 8
	benchProviders = 20
)

// envBenchData, when set, names a data folder (one `yardstick ingest`
// filled, say) that BenchmarkLoadObservations copies and reads instead of
// writing its own.
const envBenchData = "YARDSTICK_BENCH_DATA"

// benchWarehouse writes the benchmark's data folder, or copies the one
// envBenchData names, and returns it with its last period, which a
// resubmission in the benchmark changes.
func benchWarehouse(b *testing.B) (root, last string) {
	b.Helper()
	if src := os.Getenv(envBenchData); src != "" {
		// Only what loadObservations reads: not the releases, the live
		// link or the snapshots the folder may hold.
		root = b.TempDir()
		from, to := schemas.Layout{Root: src}, schemas.Layout{Root: root}
		for _, dir := range [][2]string{{from.Submissions(), to.Submissions()}, {from.Observations(), to.Observations()}} {
			if err := os.CopyFS(dir[1], os.DirFS(dir[0])); err != nil {
				b.Fatal(err)
			}
		}
		periods, err := filepath.Glob(filepath.Join(schemas.Layout{Root: root}.Observations(), "period=*"))
		if err != nil || len(periods) == 0 {
			b.Fatalf("%s holds no warehouse periods (%v)", src, err)
		}
		return root, strings.TrimPrefix(filepath.Base(periods[len(periods)-1]), "period=")
	}
	start := time.Date(2023, 4, 1, 0, 0, 0, 0, time.UTC)
	var subs []sub
	for p := range benchPeriods {
		period := fmt.Sprintf("%d-%02d-Q%d", 2023+p/4, (24+p/4)%100, p%4+1)
		last = period
		for c := range benchCouncils {
			council := fmt.Sprintf("E%08d", 6000001+c)
			s := sub{ID: fmt.Sprintf("%s-%s", period, council), Council: council,
				Received: start.Add(time.Duration(p*benchCouncils+c) * time.Minute)}
			for i := range benchProviders {
				provider := fmt.Sprintf("1-%09d", i)
				s.Rows = append(s.Rows,
					obs{Provider: provider, Service: "homecare", Metric: "hc-visits-on-time", Period: period, Num: i64(int64(50 + i)), Den: i64(100)},
					obs{Provider: provider, Service: "homecare", Metric: "hc-missed-visits", Period: period, Num: i64(int64(i)), Den: i64(1000)})
			}
			subs = append(subs, s)
		}
	}
	return writeDataDir(b, subs...), last
}

// reportCPU reports the CPU time (user and system, every thread's) the
// process spent per iteration since before, as cpu-ns/op: on a shared
// machine wall time depends on the neighbours, CPU time much less.
func reportCPU(b *testing.B, before syscall.Rusage) {
	var after syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &after); err != nil {
		b.Fatal(err)
	}
	cpu := func(r syscall.Rusage) int64 { return r.Utime.Nano() + r.Stime.Nano() }
	b.ReportMetric(float64(cpu(after)-cpu(before))/float64(b.N), "cpu-ns/op")
}

// cpuNow returns the process's resource usage so far, for reportCPU.
func cpuNow(b *testing.B) syscall.Rusage {
	var r syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &r); err != nil {
		b.Fatal(err)
	}
	return r
}

// BenchmarkLoadObservations measures loading the current rows from a
// warehouse of 2,000 council returns (or the data folder envBenchData
// names): "rebuild" builds every period's
// snapshot (the first publish, or one after warehouse/current was
// deleted), "kept" reads snapshots that are up to date (a publish with
// nothing new), and "one-return" brings one period up to date after a
// council sent that period again. With YARDSTICK_BENCH_MEMORY set
// (benchOptions) the database has that limit and the load checkpoints as
// publish --memory-limit does, and "kept-in-one-sort" is the peer of
// "kept": the same rows loaded in one sorted batch and then checkpointed,
// as before the load was batched (BENCHMARKS.md, "The observations
// loaded a batch of metrics at a time"):
//
//	YARDSTICK_BENCH_DATA=<20M folder> YARDSTICK_BENCH_MEMORY=3GB go test ./publish/duckdb -run '^$' \
//	    -bench 'LoadObservations/kept' -benchtime 3x
func BenchmarkLoadObservations(b *testing.B) {
	root, last := benchWarehouse(b)
	layout := schemas.Layout{Root: root}
	opts := benchOptions(b)
	s := testSession(b, openTestWith(b, opts))
	s.compactTables = opts.MemoryLimit != ""
	ctx := context.Background()
	load := func(b *testing.B) {
		if _, _, err := s.loadObservations(ctx, layout); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("rebuild", func(b *testing.B) {
		cpu := cpuNow(b)
		for b.Loop() {
			b.StopTimer()
			if err := os.RemoveAll(layout.CurrentRows()); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			load(b)
		}
		reportCPU(b, cpu)
	})
	b.Run("kept", func(b *testing.B) {
		load(b)
		cpu := cpuNow(b)
		for b.Loop() {
			load(b)
		}
		reportCPU(b, cpu)
	})
	b.Run("kept-in-one-sort", func(b *testing.B) {
		if !s.compactTables {
			b.Skip("the peer of kept under a memory limit: set YARDSTICK_BENCH_MEMORY")
		}
		s.loadBatch = math.MaxInt64
		defer func() { s.loadBatch = 0 }()
		load(b)
		cpu := cpuNow(b)
		for b.Loop() {
			load(b)
		}
		reportCPU(b, cpu)
	})
	b.Run("one-return", func(b *testing.B) {
		load(b)
		snapshot := layout.CurrentRowsFile(last)
		before, err := os.ReadFile(snapshot)
		if err != nil {
			b.Fatal(err)
		}
		council := fmt.Sprintf("E%08d", 6000001)
		addSubmissions(b, root, sub{ID: "resubmission", Council: council, Received: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC),
			Rows: []obs{{Provider: "1-000000000", Service: "homecare", Metric: "hc-visits-on-time", Period: last, Num: i64(49), Den: i64(100)}}})
		cpu := cpuNow(b)
		for b.Loop() {
			b.StopTimer()
			// The snapshot as it was before the return, so each round
			// brings it up to date again.
			if err := os.WriteFile(snapshot, before, 0o644); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			load(b)
		}
		reportCPU(b, cpu)
	})
}
