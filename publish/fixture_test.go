package publish

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/data"
	"github.com/yardstick-open/yardstick/schemas"
	"github.com/yardstick-open/yardstick/schemas/config"

	// The DuckDB driver is registered by publish/duckdb, which this package
	// imports; the tests reach it through database/sql by name only, so
	// publish/duckdb stays the one importer of the driver.
	_ "github.com/yardstick-open/yardstick/publish/duckdb"
)

// obs is one warehouse row in a test fixture; nil counts and value are
// written as nulls.
type obs struct {
	Council, Provider, Name, Sector, Service, Metric, Period string
	Num, Den                                                 *int64
	Value                                                    *float64
	Status, Note                                             string
}

// sub is one submission in a test fixture.
type sub struct {
	ID       string
	Council  string
	Received time.Time
	Rows     []obs
	// SHA256 and Submitter go into the manifest only.
	SHA256, Submitter string
}

func i64(v int64) *int64     { return &v }
func f64(v float64) *float64 { return &v }

func testSQL(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name+".sql"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// addSubmissions writes subs into the data folder root as ingest would:
// warehouse Parquet files in the Hive layout, written by DuckDB, then an
// accepted manifest.json for each.
func addSubmissions(t testing.TB, root string, subs ...sub) {
	t.Helper()
	ctx := context.Background()
	layout := schemas.Layout{Root: root}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	exec := func(query string, args ...any) {
		t.Helper()
		if _, err := conn.ExecContext(ctx, query, args...); err != nil {
			t.Fatal(err)
		}
	}
	exec(testSQL(t, "fixture_create"))
	insert := testSQL(t, "fixture_insert")
	for _, s := range subs {
		exec(testSQL(t, "fixture_clear"))
		type part struct{ period, council string }
		parts := map[part]bool{}
		var periods, services []string
		for i, r := range s.Rows {
			council := r.Council
			if council == "" {
				council = s.Council
			}
			p, err := schemas.ParsePeriod(r.Period)
			if err != nil {
				t.Fatal(err)
			}
			parts[part{p.ID, council}] = true
			periods = append(periods, p.ID)
			services = append(services, r.Service)
			exec(insert, council, r.Provider, r.Name, r.Sector, r.Service, r.Metric, p.ID,
				nullable(r.Num), nullable(r.Den), nullable(r.Value), r.Note, p.Start, p.End,
				r.Status, s.ID, int64(i+2), s.Received)
		}
		var files []string
		for p := range parts {
			path := layout.ObservationFile(p.period, p.council, s.ID)
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			exec(testSQL(t, "fixture_copy"), sql.Named("id", s.ID), sql.Named("period", p.period),
				sql.Named("council", p.council), sql.Named("path", path))
			rel, _ := filepath.Rel(root, path)
			files = append(files, filepath.ToSlash(rel))
		}
		sort.Strings(files)
		m := schemas.Manifest{ID: s.ID, File: "return.csv", ReceivedAt: s.Received, Council: s.Council,
			SHA256: s.SHA256, Submitter: s.Submitter,
			Status: schemas.SubmissionAccepted, Rows: len(s.Rows), Files: files,
			Periods: uniq(periods), Services: uniq(services)}
		writeManifest(t, layout, m)
	}
}

func writeManifest(t testing.TB, layout schemas.Layout, m schemas.Manifest) {
	t.Helper()
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(layout.Submission(m.ID), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(layout.Submission(m.ID), "manifest.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func nullable[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

func uniq(s []string) []string {
	sort.Strings(s)
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

var reference = sync.OnceValues(func() (*schemas.Catalogue, *schemas.Councils) {
	cat, err := config.Builtin()
	if err != nil {
		panic(err)
	}
	councils, err := schemas.LoadCouncils(data.Reference())
	if err != nil {
		panic(err)
	}
	return cat, councils
})

// newBuilder returns a Builder for the data folder root whose clock reads
// the times given, one per call, then the last one for ever.
func newBuilder(root string, times ...time.Time) *Builder {
	cat, councils := reference()
	var mu sync.Mutex
	return &Builder{
		Layout:    schemas.Layout{Root: root},
		Catalogue: cat,
		Councils:  councils,
		Now: func() time.Time {
			mu.Lock()
			defer mu.Unlock()
			t := times[0]
			if len(times) > 1 {
				times = times[1:]
			}
			return t
		},
		DuckDB: duckdbOptions,
	}
}
