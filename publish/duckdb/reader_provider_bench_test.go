//go:build unix

package duckdb

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/yardstick-open/yardstick/schemas"
)

// envBenchRelease, when set, names a release database (a release's
// yardstick.duckdb, such as one `yardstick publish` made from `yardstick
// sample --rows 2000000`) that BenchmarkReaderProvider reads instead of
// building its own from benchFixture's warehouse, as does
// BenchmarkProfileCounts.
const envBenchRelease = "YARDSTICK_BENCH_RELEASE"

// BenchmarkReaderProvider measures a provider's profile as the API's
// GET /providers/{id} reads it when its answer is not cached: each
// iteration asks for the next of every provider the release holds, so no
// two requests in a row read the same rows. "view" is Reader.Provider;
// "unbounded" is the comparison page alone as Provider read it before it
// bounded the page by metric (reader_comparisons filtered on the
// provider), the part of a profile that grows with the release.
func BenchmarkReaderProvider(b *testing.B) {
	ctx := context.Background()
	path := benchRelease(b)
	r, err := OpenRelease(ctx, path, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	providers, err := r.AllProviders(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if len(providers) == 0 {
		b.Fatalf("%s holds no providers", path)
	}
	for _, bc := range []struct {
		name string
		read func(id string) error
	}{
		{"view", func(id string) error {
			_, err := r.Provider(ctx, id, schemas.ViewComparisons)
			return err
		}},
		{"unbounded", func(id string) error {
			_, _, err := r.comparisons(ctx, ComparisonFilter{Provider: id}, schemas.ViewComparisons, 0)
			return err
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			before := cpuNow(b)
			i := 0
			for b.Loop() {
				if err := bc.read(providers[i%len(providers)].ProviderID); err != nil {
					b.Fatal(err)
				}
				i++
			}
			reportCPU(b, before)
		})
	}
}

// benchRelease returns the release database envBenchRelease names or,
// without one, one built from benchFixture's warehouse in b's temporary
// folder.
func benchRelease(b *testing.B) string {
	b.Helper()
	if path := os.Getenv(envBenchRelease); path != "" {
		return path
	}
	ctx := context.Background()
	root, cs, cat := benchFixture(b)
	db, err := Open(ctx, "", Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if err := db.Build(ctx, BuildInput{DataDir: root, Catalogue: cat, Councils: cs}); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), schemas.DatabaseFile)
	if err := db.WriteRelease(ctx, path); err != nil {
		b.Fatal(err)
	}
	return path
}

// benchReleaseDB returns a new database opened with benchOptions, closed
// when b ends, and the path of the release it is to read (benchRelease).
func benchReleaseDB(b *testing.B) (*DB, string) {
	b.Helper()
	path := benchRelease(b)
	db, err := Open(context.Background(), "", benchOptions(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db, path
}

// benchRun is one side of a benchmark against its peer: its
// sub-benchmark's name and what one iteration does.
type benchRun struct {
	name string
	run  func(b *testing.B)
}

// runPeers runs each of runs as a sub-benchmark, before (when not nil)
// first in each, and reports whether every one ran, so that the caller
// compares their results only when the -bench pattern picked them all.
func runPeers(b *testing.B, before func(b *testing.B), runs ...benchRun) bool {
	// A set of names, not a count: a sub-benchmark's function may be
	// called more than once.
	ran := map[string]bool{}
	for _, r := range runs {
		b.Run(r.name, func(b *testing.B) {
			if before != nil {
				before(b)
			}
			for b.Loop() {
				r.run(b)
			}
			ran[r.name] = true
		})
	}
	return len(ran) == len(runs)
}
