package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/schemas"
)

// obs is one warehouse row in a test fixture. Nil counts and value are
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
	Status   string // schemas.SubmissionAccepted when empty
	Rows     []obs
	// NoManifest leaves the manifest out, as after a crash mid-ingest.
	NoManifest bool
}

func i64(v int64) *int64     { return &v }
func f64(v float64) *float64 { return &v }
func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func testSQL(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name+".sql"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// writeDataDir writes a data folder holding subs: warehouse Parquet files
// written by DuckDB in the Hive layout, and manifest.json files. It returns
// the folder.
func writeDataDir(t testing.TB, subs ...sub) string {
	t.Helper()
	root := t.TempDir()
	addSubmissions(t, root, subs...)
	return root
}

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
	if _, err := conn.ExecContext(ctx, testSQL(t, "fixture_create")); err != nil {
		t.Fatal(err)
	}
	for _, s := range subs {
		if _, err := conn.ExecContext(ctx, testSQL(t, "fixture_clear")); err != nil {
			t.Fatal(err)
		}
		type part struct{ period, council string }
		parts := map[part]bool{}
		var rows [][]driver.Value
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
			rows = append(rows, []driver.Value{
				council, r.Provider, r.Name, r.Sector, r.Service, r.Metric, p.ID,
				nullInt(r.Num), nullInt(r.Den), nullFloat(r.Value), r.Note, p.Start, p.End,
				r.Status, s.ID, int64(i + 2), s.Received,
			})
		}
		if err := (&session{conn: conn}).appendRows(ctx, "fixture", rows); err != nil {
			t.Fatal(err)
		}
		var files []string
		for p := range parts {
			path := layout.ObservationFile(p.period, p.council, s.ID)
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if _, err := conn.ExecContext(ctx, testSQL(t, "fixture_copy"),
				sql.Named("id", s.ID), sql.Named("period", p.period),
				sql.Named("council", p.council), sql.Named("path", path)); err != nil {
				t.Fatal(err)
			}
			rel, _ := filepath.Rel(root, path)
			files = append(files, filepath.ToSlash(rel))
		}
		sort.Strings(files)
		if s.NoManifest {
			continue
		}
		status := s.Status
		if status == "" {
			status = schemas.SubmissionAccepted
		}
		m := schemas.Manifest{ID: s.ID, File: "return.csv", ReceivedAt: s.Received, Council: s.Council,
			Status: status, Rows: len(s.Rows), Files: files}
		b, err := json.MarshalIndent(m, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(layout.Submission(s.ID), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(layout.Submission(s.ID), "manifest.json"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func nullInt(p *int64) driver.Value {
	if p == nil {
		return nil
	}
	return *p
}
