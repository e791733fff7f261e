package duckdb

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/schemas"
)

func openTest(t testing.TB) *DB {
	t.Helper()
	db, err := Open(context.Background(), "", Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// queryStrings runs a test query from testdata on db (a session's
// connection or a database's pool) and returns each row's columns
// formatted with %v.
func queryStrings(t testing.TB, db runner, name string, args ...any) [][]string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), testSQL(t, name), args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out [][]string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		r := make([]string, len(cols))
		for i, v := range vals {
			r[i] = fmt.Sprint(v)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// firstColumn is the first column of rows, as queryStrings returns them.
func firstColumn(rows [][]string) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r[0]
	}
	return out
}

func testSession(t testing.TB, db *DB) *session {
	t.Helper()
	s, err := db.session(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.close() })
	return s
}

func TestLoadObservationsKeepsLatestAcceptedSubmission(t *testing.T) {
	t.Parallel()
	hc := func(provider string, v float64) obs {
		return obs{Provider: provider, Service: "homecare", Metric: "hc-visits-on-time", Period: "2024-25-Q1", Value: f64(v)}
	}
	chome := obs{Provider: "1-300", Service: "care-home", Metric: "ch-occupancy", Period: "2024-25-Q1", Value: f64(90)}
	root := writeDataDir(t,
		sub{ID: "a", Council: "E06000001", Received: day("2024-07-01"),
			Rows: []obs{hc("1-100", 80), hc("1-200", 70), chome,
				{Provider: "1-100", Service: "homecare", Metric: "hc-visits-on-time", Period: "2023-24-Q4", Value: f64(60)}}},
		// b resubmits homecare for 2024-25-Q1 only: it replaces a's homecare
		// rows for that period (1-200 is gone), not a's care-home rows or
		// a's other period.
		sub{ID: "b", Council: "E06000001", Received: day("2024-08-01"), Rows: []obs{hc("1-100", 81)}},
		// Rejected and manifest-less submissions never count, however late.
		sub{ID: "c", Council: "E06000001", Received: day("2024-09-01"), Status: schemas.SubmissionRejected, Rows: []obs{hc("1-100", 1)}},
		sub{ID: "d", Council: "E06000001", Received: day("2024-09-02"), NoManifest: true, Rows: []obs{hc("1-100", 2)}},
		// Same received_at: the greater submission id wins.
		sub{ID: "e", Council: "E06000002", Received: day("2024-07-05"), Rows: []obs{hc("1-100", 50)}},
		sub{ID: "f", Council: "E06000002", Received: day("2024-07-05"), Rows: []obs{hc("1-100", 55)}},
	)
	db := openTest(t)
	s := testSession(t, db)
	n, files, err := s.loadObservations(context.Background(), schemas.Layout{Root: root})
	if err != nil {
		t.Fatal(err)
	}
	// Four rows are current (those below), read from the files of a (one
	// for each of its two periods), b, e and f: c is rejected and d has no
	// manifest.
	if n != 4 || files != 5 {
		t.Errorf("loadObservations = %d rows from %d files, want 4 rows from 5 files", n, files)
	}
	got := queryStrings(t, s.conn, "observation_keys")
	want := [][]string{
		{"E06000001", "2023-24-Q4", "homecare", "1-100", "a", "60"},
		{"E06000001", "2024-25-Q1", "care-home", "1-300", "a", "90"},
		{"E06000001", "2024-25-Q1", "homecare", "1-100", "b", "81"},
		{"E06000002", "2024-25-Q1", "homecare", "1-100", "f", "55"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("observations:\n got %v\nwant %v", got, want)
	}
	gotSubs := queryStrings(t, s.conn, "submission_rows")
	wantSubs := [][]string{{"a", "2"}, {"b", "1"}, {"e", "0"}, {"f", "1"}}
	if !reflect.DeepEqual(gotSubs, wantSubs) {
		t.Errorf("submissions:\n got %v\nwant %v", gotSubs, wantSubs)
	}
}

func TestLoadObservationsEmptyDataFolder(t *testing.T) {
	t.Parallel()
	db := openTest(t)
	s := testSession(t, db)
	if n, files, err := s.loadObservations(context.Background(), schemas.Layout{Root: t.TempDir()}); err != nil || n != 0 || files != 0 {
		t.Fatalf("loadObservations = %d rows from %d files, %v; want none", n, files, err)
	}
	if got := queryStrings(t, s.conn, "observation_keys"); len(got) != 0 {
		t.Errorf("observations = %v, want none", got)
	}
}

func TestLoadObservationsBrokenManifest(t *testing.T) {
	t.Parallel()
	root := writeDataDir(t, sub{ID: "a", Council: "E06000001", Received: time.Now(),
		Rows: []obs{{Provider: "1", Service: "homecare", Metric: "hc-visits-on-time", Period: "2024-25-Q1", Value: f64(1)}}})
	layout := schemas.Layout{Root: root}
	tests := []struct {
		Name     string
		Manifest string
	}{
		{"not json", "{"},
		{"id differs from folder", `{"id": "b", "status": "accepted"}`},
		{"missing warehouse file", `{"id": "a", "status": "accepted", "files": ["warehouse/observations/period=2024-25-Q1/council=E06000001/zz.parquet"]}`},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			dir := t.TempDir()
			l := schemas.Layout{Root: dir}
			if err := os.MkdirAll(l.Submission("a"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(l.Submission("a"), "manifest.json"), []byte(tt.Manifest), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := acceptedManifests(l); err == nil {
				t.Errorf("acceptedManifests succeeded, want an error")
			}
		})
	}
	if ms, err := acceptedManifests(layout); err != nil || len(ms) != 1 {
		t.Errorf("acceptedManifests(good) = %v, %v; want one manifest", ms, err)
	}
}
