package duckdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/schemas"
)

func openTest(t testing.TB) *DB {
	t.Helper()
	return openTestWith(t, Options{Threads: 2})
}

// openTestWith opens a database in memory with opts, closed when t ends.
func openTestWith(t testing.TB, opts Options) *DB {
	t.Helper()
	db, err := Open(context.Background(), "", opts)
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
	return queryText(t, db, testSQL(t, name), args...)
}

// queryText runs query on db and returns each row's columns formatted with
// %v.
func queryText(t testing.TB, db runner, query string, args ...any) [][]string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), query, args...)
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

// toLayout2 moves submission id's layout 1 files in period into layout 2,
// as ingest writes them since: a file of one council is renamed to
// period=<p>/<id>_<gss>.parquet; files of several are merged by DuckDB
// into period=<p>/<id>.parquet, sorted by council in row groups of 4,096
// rows.
func toLayout2(t *testing.T, root, period, id string, councils ...string) {
	t.Helper()
	layout := schemas.Layout{Root: root}
	var old []string
	for _, c := range councils {
		old = append(old, layout.ObservationFile(period, c, id))
	}
	if len(councils) == 1 {
		if err := os.Rename(old[0], layout.ObservationPeriodFile(period, councils[0], id)); err != nil {
			t.Fatal(err)
		}
	} else {
		db := openTest(t)
		if _, err := db.db.ExecContext(context.Background(), testSQL(t, "warehouse_merge_councils"),
			sql.Named("old", old), sql.Named("path", layout.ObservationPeriodFile(period, "", id))); err != nil {
			t.Fatal(err)
		}
		for _, f := range old {
			if err := os.Remove(f); err != nil {
				t.Fatal(err)
			}
		}
	}
	// A council folder left empty goes, as in a warehouse ingest wrote
	// in layout 2.
	for _, f := range old {
		if left, err := os.ReadDir(filepath.Dir(f)); err == nil && len(left) == 0 {
			if err := os.Remove(filepath.Dir(f)); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestWarehouseFilesBothLayouts checks that publish reads the warehouse in
// both layouts, even side by side in one period: a's files in layout 1,
// b's one-council file and m's several-council file in layout 2; files of
// a submission without a manifest and temporary files are left out.
func TestWarehouseFilesBothLayouts(t *testing.T) {
	t.Parallel()
	const c1, c2, q1, q2 = "E06000001", "E06000002", "2024-25-Q1", "2024-25-Q2"
	hc := func(council, provider, period string, v float64) obs {
		return obs{Council: council, Provider: provider, Service: "homecare", Metric: "hc-visits-on-time", Period: period, Value: f64(v)}
	}
	root := writeDataDir(t,
		sub{ID: "a", Council: c1, Received: day("2024-07-01"), Rows: []obs{hc(c1, "1-100", q1, 80), hc(c1, "1-100", q2, 60), hc(c1, "1-200", q2, 65)}},
		sub{ID: "b", Council: c2, Received: day("2024-07-02"), Rows: []obs{hc(c2, "1-100", q1, 50)}},
		sub{ID: "m", Council: c1, Received: day("2024-08-01"), Rows: []obs{hc(c1, "1-100", q2, 61), hc(c2, "1-100", q2, 51), hc(c2, "1-200", q2, 52)}},
		sub{ID: "d", Council: c1, Received: day("2024-09-01"), NoManifest: true, Rows: []obs{hc(c1, "1-100", q1, 1)}},
	)
	toLayout2(t, root, q1, "b", c2)
	toLayout2(t, root, q2, "m", c1, c2)
	toLayout2(t, root, q1, "d", c1)
	layout := schemas.Layout{Root: root}
	if err := os.WriteFile(filepath.Join(layout.ObservationPeriod(q1), ".b_"+c2+".parquet.tmp-0a1b2c"), []byte("half"), 0o644); err != nil {
		t.Fatal(err)
	}

	accepted, err := acceptedManifests(layout)
	if err != nil {
		t.Fatal(err)
	}
	w, err := listWarehouse(layout, accepted)
	if err != nil {
		t.Fatal(err)
	}
	obsDir := layout.Observations()
	want := map[string]map[string][]string{
		q1: {
			"a": {filepath.Join(obsDir, "period="+q1, "council="+c1, "a.parquet")},
			"b": {filepath.Join(obsDir, "period="+q1, "b_"+c2+".parquet")},
		},
		q2: {
			"a": {filepath.Join(obsDir, "period="+q2, "council="+c1, "a.parquet")},
			"m": {filepath.Join(obsDir, "period="+q2, "m.parquet")},
		},
	}
	if !reflect.DeepEqual(w.periods, want) || w.files != 4 {
		t.Errorf("listWarehouse = %v (%d files),\nwant %v (4 files)", w.periods, w.files, want)
	}

	s := testSession(t, openTest(t))
	n, files, err := s.loadObservations(context.Background(), layout)
	if err != nil {
		t.Fatal(err)
	}
	// m, received last, replaces a's homecare rows for c1 in Q2 and is
	// c2's only return there; a keeps c1's Q1 and b is c2's Q1.
	wantRows := [][]string{
		{c1, q1, "homecare", "1-100", "a", "80"},
		{c1, q2, "homecare", "1-100", "m", "61"},
		{c2, q1, "homecare", "1-100", "b", "50"},
		{c2, q2, "homecare", "1-100", "m", "51"},
		{c2, q2, "homecare", "1-200", "m", "52"},
	}
	if got := queryStrings(t, s.conn, "observation_keys"); !reflect.DeepEqual(got, wantRows) || n != 5 || files != 4 {
		t.Errorf("loadObservations = %d rows from %d files:\n got %v\nwant 5 rows from 4 files: %v", n, files, got, wantRows)
	}
}

// TestAcceptedSubmissionMissingFile checks that an accepted submission
// whose warehouse file for a period its manifest names has gone stops the
// load with an error naming the submission and the period and saying how
// to put it right, in either layout, and that nothing is missed when
// every file is there.
func TestAcceptedSubmissionMissingFile(t *testing.T) {
	t.Parallel()
	const c1, q1, q2 = "E06000001", "2024-25-Q1", "2024-25-Q2"
	hc := func(period string, v float64) obs {
		return obs{Provider: "1-100", Service: "homecare", Metric: "hc-visits-on-time", Period: period, Value: f64(v)}
	}
	tests := []struct {
		Name    string
		Layout2 bool
		Remove  string // the period whose file goes; "" for none
	}{
		{"layout 1, all there", false, ""},
		{"layout 2, all there", true, ""},
		{"layout 1, one missing", false, q2},
		{"layout 2, one missing", true, q1},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			t.Parallel()
			root := writeDataDir(t, sub{ID: "20250101T000000Z-aaaa", Council: c1, Received: day("2025-01-01"), Rows: []obs{hc(q1, 80), hc(q2, 81)}})
			const id = "20250101T000000Z-aaaa"
			editManifest(t, root, id, func(m *schemas.Manifest) { m.Periods = []string{q1, q2} })
			layout := schemas.Layout{Root: root}
			file := func(p string) string { return layout.ObservationFile(p, c1, id) }
			if tt.Layout2 {
				toLayout2(t, root, q1, id, c1)
				toLayout2(t, root, q2, id, c1)
				file = func(p string) string { return layout.ObservationPeriodFile(p, c1, id) }
			}
			if tt.Remove != "" {
				if err := os.Remove(file(tt.Remove)); err != nil {
					t.Fatal(err)
				}
			}
			s := testSession(t, openTest(t))
			n, _, err := s.loadObservations(context.Background(), layout)
			if tt.Remove == "" {
				if err != nil || n != 2 {
					t.Fatalf("loadObservations = %d rows, %v; want 2 rows", n, err)
				}
				return
			}
			want := "accepted submission " + id + " has no warehouse file in period " + tt.Remove
			if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "restore it from a backup of warehouse/observations") {
				t.Errorf("loadObservations error = %v, want one saying %q and how to restore it", err, want)
			}
		})
	}
}

// TestUnfinishedMigration checks that a publish run while a migration of
// the warehouse is unfinished (killed at each of its steps, the state
// built here by hand) says so and how to finish it, instead of taking
// the moved tree for lost files.
func TestUnfinishedMigration(t *testing.T) {
	t.Parallel()
	const c1, q1, id = "E06000001", "2024-25-Q1", "20250101T000000Z-aaaa"
	tests := []struct {
		Name  string
		Setup func(t *testing.T, l schemas.Layout)
	}{
		{"new tree being built", func(t *testing.T, l schemas.Layout) {
			mkdirWarehouse(t, filepath.Join(l.WarehouseMigrationTree(), "period="+q1))
		}},
		{"new tree complete beside the old", func(t *testing.T, l schemas.Layout) {
			mkdirWarehouse(t, l.WarehouseMigrationTree())
			writeMigrationMarker(t, schemas.WarehouseMigrationMarker(l.WarehouseMigrationTree()))
		}},
		{"old tree moved away, new not yet in place", func(t *testing.T, l schemas.Layout) {
			if err := os.Rename(l.Observations(), filepath.Join(l.Warehouse(), ".observations-v1-20250101T000000Z")); err != nil {
				t.Fatal(err)
			}
			mkdirWarehouse(t, l.WarehouseMigrationTree())
			writeMigrationMarker(t, schemas.WarehouseMigrationMarker(l.WarehouseMigrationTree()))
		}},
		{"new tree in place, layout not recorded", func(t *testing.T, l schemas.Layout) {
			toLayout2(t, l.Root, q1, id, c1)
			writeMigrationMarker(t, schemas.WarehouseMigrationMarker(l.Observations()))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			t.Parallel()
			root := writeDataDir(t, sub{ID: id, Council: c1, Received: day("2025-01-01"),
				Rows: []obs{{Provider: "1-100", Service: "homecare", Metric: "hc-visits-on-time", Period: q1, Value: f64(80)}}})
			editManifest(t, root, id, func(m *schemas.Manifest) { m.Periods = []string{q1} })
			layout := schemas.Layout{Root: root}
			tt.Setup(t, layout)
			s := testSession(t, openTest(t))
			_, _, err := s.loadObservations(context.Background(), layout)
			want := "run `yardstick warehouse migrate --data " + root + "` again"
			if !errors.Is(err, schemas.ErrWarehouseMigrationUnfinished) || !strings.Contains(err.Error(), want) {
				t.Errorf("loadObservations error = %v, want ErrWarehouseMigrationUnfinished saying %q", err, want)
			}
		})
	}
}

func mkdirWarehouse(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}

func writeMigrationMarker(t *testing.T, path string) {
	t.Helper()
	if err := os.WriteFile(path, []byte("layout 2 built from layout 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestWarehouseFolderVanishes checks that a period folder that vanishes
// between the warehouse's listing and its own (an aborted ingest, which
// does not take the publish lock, removes a folder it emptied) is passed
// over, and the accepted submissions load as before. It sets Failpoint, so
// it does not run in parallel.
func TestWarehouseFolderVanishes(t *testing.T) {
	const c1, q1, id = "E06000001", "2024-25-Q1", "20250101T000000Z-aaaa"
	root := writeDataDir(t, sub{ID: id, Council: c1, Received: day("2025-01-01"),
		Rows: []obs{{Provider: "1-100", Service: "homecare", Metric: "hc-visits-on-time", Period: q1, Value: f64(80)}}})
	editManifest(t, root, id, func(m *schemas.Manifest) { m.Periods = []string{q1} })
	layout := schemas.Layout{Root: root}
	toLayout2(t, root, q1, id, c1)
	gone := layout.ObservationPeriod("2024-25-Q2") // emptied by the aborted ingest
	mkdirWarehouse(t, gone)
	Failpoint = func(step string) {
		if step == "warehouse-listed" {
			if err := os.Remove(gone); err != nil {
				t.Error(err)
			}
		}
	}
	t.Cleanup(func() { Failpoint = nil })
	s := testSession(t, openTest(t))
	n, files, err := s.loadObservations(context.Background(), layout)
	if err != nil || n != 1 || files != 1 {
		t.Fatalf("loadObservations = %d rows from %d files, %v; want 1 row from 1 file", n, files, err)
	}
}
