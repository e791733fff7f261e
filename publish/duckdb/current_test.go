package duckdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/yardstick-open/yardstick/schemas"
)

const (
	pQ1 = "2024-25-Q1"
	pQ2 = "2024-25-Q2"
)

// hcRow is a homecare row of hc-visits-on-time for provider in period.
func hcRow(provider, period string, v float64) obs {
	return obs{Provider: provider, Service: "homecare", Metric: "hc-visits-on-time", Period: period, Value: f64(v)}
}

// chRow is a care-home row of ch-occupancy for provider in period.
func chRow(provider, period string, v float64) obs {
	return obs{Provider: provider, Service: "care-home", Metric: "ch-occupancy", Period: period, Value: f64(v)}
}

// loadCurrent runs loadObservations on the data folder root in a new
// session, as a publish does, and returns the session and the line it
// logged about the snapshots, without its time.
func loadCurrent(t *testing.T, root string) (*session, string) {
	t.Helper()
	s := testSession(t, openTest(t))
	var line string
	s.logf = func(format string, args ...any) {
		if l := fmt.Sprintf(format, args...); strings.HasPrefix(l, "brought the current rows") {
			line = l[:strings.LastIndex(l, " in ")]
		}
	}
	if _, _, err := s.loadObservations(context.Background(), schemas.Layout{Root: root}); err != nil {
		t.Fatal(err)
	}
	return s, line
}

// snapshot returns the rows and the yardstick.covers text of period's
// snapshot in the data folder root.
func snapshot(t *testing.T, s *session, root, period string) (rows [][]string, covers string) {
	t.Helper()
	path := schemas.Layout{Root: root}.CurrentRowsFile(period)
	c := queryText(t, s.conn, queries["current_covers"], sql.Named("file", path))
	if len(c) != 1 {
		t.Fatalf("%s: yardstick.covers %v, want one", path, c)
	}
	return queryStrings(t, s.conn, "current_rows", sql.Named("path", path)), c[0][0]
}

// editManifest rewrites the manifest of submission id in root through
// edit.
func editManifest(t *testing.T, root, id string, edit func(*schemas.Manifest)) {
	t.Helper()
	file := filepath.Join(schemas.Layout{Root: root}.Submission(id), "manifest.json")
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var m schemas.Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	edit(&m)
	if b, err = json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestCurrentChoosesLatest checks the rows a period's snapshot holds
// against hand-worked cases of publish's rule: for each council, period
// and service, the rows of the accepted submission received last, ties
// broken by the greater id. Each case publishes its first submissions,
// then (if any) adds more and publishes again, as returns arrive between
// releases.
func TestCurrentChoosesLatest(t *testing.T) {
	t.Parallel()
	const c1, c2 = "E06000001", "E06000002"
	tests := []struct {
		Name        string
		First, Then []sub
		// Want are the snapshot's rows: council, period, service,
		// provider, submission, value.
		Want   [][]string
		Covers string
	}{
		{
			Name: "later received wins",
			First: []sub{
				{ID: "a", Council: c1, Received: day("2024-07-01"), Rows: []obs{hcRow("1-100", pQ1, 80), hcRow("1-200", pQ1, 70)}},
				{ID: "b", Council: c1, Received: day("2024-08-01"), Rows: []obs{hcRow("1-100", pQ1, 81), hcRow("1-200", pQ1, 71)}},
			},
			Want: [][]string{
				{c1, pQ1, "homecare", "1-100", "b", "81"},
				{c1, pQ1, "homecare", "1-200", "b", "71"},
			},
			Covers: `{"rule":1,"submissions":["a","b"]}`,
		},
		{
			Name: "equal received: greater id wins",
			First: []sub{
				{ID: "f", Council: c1, Received: day("2024-07-05"), Rows: []obs{hcRow("1-100", pQ1, 55)}},
				{ID: "e", Council: c1, Received: day("2024-07-05"), Rows: []obs{hcRow("1-100", pQ1, 50)}},
			},
			Want:   [][]string{{c1, pQ1, "homecare", "1-100", "f", "55"}},
			Covers: `{"rule":1,"submissions":["e","f"]}`,
		},
		{
			Name: "a correction of one row withdraws the rest of its service",
			First: []sub{
				{ID: "a", Council: c1, Received: day("2024-07-01"), Rows: []obs{hcRow("1-100", pQ1, 80), hcRow("1-200", pQ1, 70)}},
			},
			Then: []sub{
				{ID: "b", Council: c1, Received: day("2024-08-01"), Rows: []obs{hcRow("1-100", pQ1, 82)}},
			},
			Want:   [][]string{{c1, pQ1, "homecare", "1-100", "b", "82"}},
			Covers: `{"rule":1,"submissions":["a","b"]}`,
		},
		{
			Name: "a return for another service leaves the first alone",
			First: []sub{
				{ID: "a", Council: c1, Received: day("2024-07-01"), Rows: []obs{hcRow("1-100", pQ1, 80), chRow("1-300", pQ1, 90)}},
			},
			Then: []sub{
				{ID: "b", Council: c1, Received: day("2024-08-01"), Rows: []obs{chRow("1-300", pQ1, 95)}},
			},
			Want: [][]string{
				{c1, pQ1, "care-home", "1-300", "b", "95"},
				{c1, pQ1, "homecare", "1-100", "a", "80"},
			},
			Covers: `{"rule":1,"submissions":["a","b"]}`,
		},
		{
			Name: "another council's return changes nothing of the first",
			First: []sub{
				{ID: "a", Council: c1, Received: day("2024-08-01"), Rows: []obs{hcRow("1-100", pQ1, 80)}},
			},
			Then: []sub{
				{ID: "b", Council: c2, Received: day("2024-07-01"), Rows: []obs{hcRow("1-100", pQ1, 60)}},
			},
			Want: [][]string{
				{c1, pQ1, "homecare", "1-100", "a", "80"},
				{c2, pQ1, "homecare", "1-100", "b", "60"},
			},
			Covers: `{"rule":1,"submissions":["a","b"]}`,
		},
		{
			// An ingest that received a file first but committed it last:
			// the snapshot already holds n's rows, and o, received before
			// n, must not replace them.
			Name: "an older return committed after a newer one does not win",
			First: []sub{
				{ID: "n", Council: c1, Received: day("2024-08-01"), Rows: []obs{hcRow("1-100", pQ1, 81)}},
			},
			Then: []sub{
				{ID: "o", Council: c1, Received: day("2024-07-01"), Rows: []obs{hcRow("1-100", pQ1, 80), hcRow("1-200", pQ1, 70)}},
			},
			Want:   [][]string{{c1, pQ1, "homecare", "1-100", "n", "81"}},
			Covers: `{"rule":1,"submissions":["n","o"]}`,
		},
		{
			// Rejected and manifest-less submissions are not chosen from,
			// nor covered, however late.
			Name: "only accepted submissions count",
			First: []sub{
				{ID: "a", Council: c1, Received: day("2024-07-01"), Rows: []obs{hcRow("1-100", pQ1, 80)}},
				{ID: "c", Council: c1, Received: day("2024-09-01"), Status: schemas.SubmissionRejected, Rows: []obs{hcRow("1-100", pQ1, 1)}},
			},
			Then: []sub{
				{ID: "d", Council: c1, Received: day("2024-09-02"), NoManifest: true, Rows: []obs{hcRow("1-100", pQ1, 2)}},
			},
			Want:   [][]string{{c1, pQ1, "homecare", "1-100", "a", "80"}},
			Covers: `{"rule":1,"submissions":["a"]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			t.Parallel()
			root := writeDataDir(t, tt.First...)
			loadCurrent(t, root)
			if len(tt.Then) > 0 {
				addSubmissions(t, root, tt.Then...)
			}
			s, _ := loadCurrent(t, root)
			rows, covers := snapshot(t, s, root, pQ1)
			if !reflect.DeepEqual(rows, tt.Want) {
				t.Errorf("snapshot rows:\n got %v\nwant %v", rows, tt.Want)
			}
			if covers != tt.Covers {
				t.Errorf("yardstick.covers = %s, want %s", covers, tt.Covers)
			}
			// The observations table is read from the snapshots alone.
			if got := queryStrings(t, s.conn, "observation_keys"); !reflect.DeepEqual(got, tt.Want) {
				t.Errorf("observations:\n got %v\nwant %v", got, tt.Want)
			}
		})
	}
}

// warehouseFileOf returns the one warehouse file of submission id in
// period, in whichever layout the fixture wrote it.
func warehouseFileOf(t *testing.T, root, period, id string) string {
	t.Helper()
	dir := schemas.Layout{Root: root}.ObservationPeriod(period)
	var found []string
	for _, pattern := range []string{"council=*/" + id + ".parquet", id + "_*.parquet", id + ".parquet"} {
		m, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			t.Fatal(err)
		}
		found = append(found, m...)
	}
	if len(found) != 1 {
		t.Fatalf("submission %s's files in %s: %v, want one", id, period, found)
	}
	return found[0]
}

// unchanged reports whether the file at path is still the file before
// was read from: the same inode, not modified since.
func unchanged(t *testing.T, path string, before os.FileInfo) bool {
	t.Helper()
	now, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return os.SameFile(now, before) && now.ModTime().Equal(before.ModTime())
}

func stat(t *testing.T, path string) os.FileInfo {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi
}

// TestCurrentIncremental checks that a publish after a return for one
// period replaces only that period's snapshot, chooses its rows from the
// old snapshot and the new return's file alone, and adds the return to
// what the snapshot covers; a publish with nothing new replaces none.
func TestCurrentIncremental(t *testing.T) {
	t.Parallel()
	const c1 = "E06000001"
	root := writeDataDir(t,
		sub{ID: "a", Council: c1, Received: day("2024-07-01"), Rows: []obs{
			hcRow("1-100", pQ1, 80), hcRow("1-100", pQ2, 60), hcRow("1-200", pQ2, 65)}},
		sub{ID: "b", Council: c1, Received: day("2024-08-01"), Rows: []obs{chRow("1-300", pQ2, 90)}},
	)
	layout := schemas.Layout{Root: root}
	if _, line := loadCurrent(t, root); line != "brought the current rows up to date: 0 periods kept, 0 updated, 2 rebuilt, 0 removed" {
		t.Errorf("first publish logged %q", line)
	}
	q1, q2 := stat(t, layout.CurrentRowsFile(pQ1)), stat(t, layout.CurrentRowsFile(pQ2))
	if _, line := loadCurrent(t, root); line != "brought the current rows up to date: 2 periods kept, 0 updated, 0 rebuilt, 0 removed" {
		t.Errorf("a publish with nothing new logged %q", line)
	}
	if !unchanged(t, layout.CurrentRowsFile(pQ1), q1) || !unchanged(t, layout.CurrentRowsFile(pQ2), q2) {
		t.Errorf("a publish with nothing new replaced a snapshot")
	}

	// a's file for Q2 becomes unreadable: an update that read it, rather
	// than the snapshot holding its rows, would fail.
	a2 := warehouseFileOf(t, root, pQ2, "a")
	if err := os.WriteFile(a2, []byte("not parquet"), 0o644); err != nil {
		t.Fatal(err)
	}
	addSubmissions(t, root, sub{ID: "c", Council: c1, Received: day("2024-09-01"), Rows: []obs{hcRow("1-100", pQ2, 62)}})
	s, line := loadCurrent(t, root)
	if line != "brought the current rows up to date: 1 periods kept, 1 updated, 0 rebuilt, 0 removed" {
		t.Errorf("the publish after c logged %q", line)
	}
	if !unchanged(t, layout.CurrentRowsFile(pQ1), q1) {
		t.Errorf("Q1's snapshot was replaced; c has no rows there")
	}
	if unchanged(t, layout.CurrentRowsFile(pQ2), q2) {
		t.Errorf("Q2's snapshot was not replaced")
	}
	rows, covers := snapshot(t, s, root, pQ2)
	// c's homecare return replaces a's two homecare rows; b's care-home
	// row stays.
	want := [][]string{
		{c1, pQ2, "care-home", "1-300", "b", "90"},
		{c1, pQ2, "homecare", "1-100", "c", "62"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("Q2's snapshot:\n got %v\nwant %v", rows, want)
	}
	if want := `{"rule":1,"submissions":["a","b","c"]}`; covers != want {
		t.Errorf("Q2's yardstick.covers = %s, want %s", covers, want)
	}
	if left, _ := filepath.Glob(CurrentTempGlob(layout)); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestCurrentRebuildsWhenCoverLost checks that a snapshot that cannot be
// brought up to date from itself is chosen again from all its period's
// files: one covering a submission no longer accepted, one made under
// another rule, one that is not Parquet; and that a period left with no
// accepted submission loses its snapshot.
func TestCurrentRebuildsWhenCoverLost(t *testing.T) {
	t.Parallel()
	const c1 = "E06000001"
	subs := []sub{
		{ID: "a", Council: c1, Received: day("2024-07-01"), Rows: []obs{hcRow("1-100", pQ1, 80), hcRow("1-200", pQ1, 70)}},
		{ID: "b", Council: c1, Received: day("2024-08-01"), Rows: []obs{hcRow("1-100", pQ1, 81)}},
		{ID: "z", Council: c1, Received: day("2024-07-01"), Rows: []obs{hcRow("1-100", pQ2, 50)}},
	}
	both := [][]string{{c1, pQ1, "homecare", "1-100", "b", "81"}}
	tests := []struct {
		Name  string
		Break func(t *testing.T, s *session, root string)
		Want  [][]string
		// Covers is Q1's yardstick.covers after.
		Covers string
		Line   string
	}{
		{
			Name: "covered submission rejected",
			Break: func(t *testing.T, s *session, root string) {
				editManifest(t, root, "b", func(m *schemas.Manifest) { m.Status = schemas.SubmissionRejected })
			},
			Want: [][]string{
				{c1, pQ1, "homecare", "1-100", "a", "80"},
				{c1, pQ1, "homecare", "1-200", "a", "70"},
			},
			Covers: `{"rule":1,"submissions":["a"]}`,
			Line:   "brought the current rows up to date: 1 periods kept, 0 updated, 1 rebuilt, 0 removed",
		},
		{
			Name: "covered submission's manifest gone",
			Break: func(t *testing.T, s *session, root string) {
				if err := os.Remove(filepath.Join(schemas.Layout{Root: root}.Submission("b"), "manifest.json")); err != nil {
					t.Fatal(err)
				}
			},
			Want: [][]string{
				{c1, pQ1, "homecare", "1-100", "a", "80"},
				{c1, pQ1, "homecare", "1-200", "a", "70"},
			},
			Covers: `{"rule":1,"submissions":["a"]}`,
			Line:   "brought the current rows up to date: 1 periods kept, 0 updated, 1 rebuilt, 0 removed",
		},
		{
			Name: "made under another rule",
			Break: func(t *testing.T, s *session, root string) {
				// The same rows with rule 0: an update would keep them,
				// so only a rebuild tells the two apart by covers.
				path := schemas.Layout{Root: root}.CurrentRowsFile(pQ1)
				old := path + ".old"
				if err := os.Rename(path, old); err != nil {
					t.Fatal(err)
				}
				if _, err := s.conn.ExecContext(context.Background(), testSQL(t, "current_rule0"),
					sql.Named("old", old), sql.Named("path", path)); err != nil {
					t.Fatal(err)
				}
				os.Remove(old)
			},
			Want:   both,
			Covers: `{"rule":1,"submissions":["a","b"]}`,
			Line:   "brought the current rows up to date: 1 periods kept, 0 updated, 1 rebuilt, 0 removed",
		},
		{
			Name: "not Parquet",
			Break: func(t *testing.T, s *session, root string) {
				if err := os.WriteFile(schemas.Layout{Root: root}.CurrentRowsFile(pQ1), []byte("torn"), 0o644); err != nil {
					t.Fatal(err)
				}
			},
			Want:   both,
			Covers: `{"rule":1,"submissions":["a","b"]}`,
			Line:   "brought the current rows up to date: 1 periods kept, 0 updated, 1 rebuilt, 0 removed",
		},
		{
			// Its metadata is readable, so it would be brought up to date
			// with c, but its rows are not.
			Name: "rows torn, metadata whole",
			Break: func(t *testing.T, s *session, root string) {
				path := schemas.Layout{Root: root}.CurrentRowsFile(pQ1)
				b, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				clear(b[4:40]) // past the magic number: the first page's header
				if err := os.WriteFile(path, b, 0o644); err != nil {
					t.Fatal(err)
				}
				addSubmissions(t, root, sub{ID: "c", Council: c1, Received: day("2024-06-01"), Rows: []obs{hcRow("1-200", pQ1, 60)}})
			},
			Want:   both,
			Covers: `{"rule":1,"submissions":["a","b","c"]}`,
			Line:   "brought the current rows up to date: 1 periods kept, 0 updated, 1 rebuilt, 0 removed",
		},
		{
			Name: "period left without accepted submissions",
			Break: func(t *testing.T, s *session, root string) {
				editManifest(t, root, "z", func(m *schemas.Manifest) { m.Status = schemas.SubmissionRejected })
			},
			Want:   both,
			Covers: `{"rule":1,"submissions":["a","b"]}`,
			Line:   "brought the current rows up to date: 1 periods kept, 0 updated, 0 rebuilt, 1 removed",
		},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			t.Parallel()
			root := writeDataDir(t, subs...)
			s, _ := loadCurrent(t, root)
			tt.Break(t, s, root)
			s, line := loadCurrent(t, root)
			if line != tt.Line {
				t.Errorf("logged %q, want %q", line, tt.Line)
			}
			rows, covers := snapshot(t, s, root, pQ1)
			if !reflect.DeepEqual(rows, tt.Want) {
				t.Errorf("Q1's snapshot:\n got %v\nwant %v", rows, tt.Want)
			}
			if covers != tt.Covers {
				t.Errorf("Q1's yardstick.covers = %s, want %s", covers, tt.Covers)
			}
			// A removed snapshot takes its folder with it: a Hive reader
			// of warehouse/current sees no empty partition.
			for _, path := range []string{schemas.Layout{Root: root}.CurrentRowsFile(pQ2), filepath.Dir(schemas.Layout{Root: root}.CurrentRowsFile(pQ2))} {
				_, err := os.Stat(path)
				if gone := os.IsNotExist(err); gone != strings.Contains(tt.Line, "1 removed") {
					t.Errorf("%s: %v", path, err)
				}
			}
		})
	}
}

// loadSpoiled loads the data folder root once, so its snapshots are
// written, writes zeros over the first page's header of period's snapshot,
// past the magic number, so that its metadata reads but its rows do not,
// and loads again on a new session that loads batch rows at a time (0:
// as many as fit). It returns that session, the lines it logged and the
// rows it loaded.
func loadSpoiled(t *testing.T, root, period string, batch int64) (*session, []string, int64) {
	t.Helper()
	loadCurrent(t, root)
	path := schemas.Layout{Root: root}.CurrentRowsFile(period)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	clear(b[4:40])
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	s := testSession(t, openTest(t))
	s.loadBatch = batch
	var lines []string
	s.logf = func(format string, args ...any) { lines = append(lines, fmt.Sprintf(format, args...)) }
	n, _, err := s.loadObservations(context.Background(), schemas.Layout{Root: root})
	if err != nil {
		t.Fatalf("loadObservations: %v", err)
	}
	return s, lines, n
}

// TestCurrentKeptButUnreadable checks that a snapshot kept because its
// metadata reads, but whose rows do not (zeros over its first page), does
// not stop the load: every period is chosen again from the warehouse files,
// the load is retried once and logged, and the observations are the rows
// worked out by hand (b, the later, replaces a's homecare rows in Q1).
func TestCurrentKeptButUnreadable(t *testing.T) {
	t.Parallel()
	const c1 = "E06000001"
	root := writeDataDir(t,
		sub{ID: "a", Council: c1, Received: day("2024-07-01"), Rows: []obs{hcRow("1-100", pQ1, 80), hcRow("1-200", pQ1, 70)}},
		sub{ID: "b", Council: c1, Received: day("2024-08-01"), Rows: []obs{hcRow("1-100", pQ1, 81)}},
		sub{ID: "z", Council: c1, Received: day("2024-07-01"), Rows: []obs{hcRow("1-100", pQ2, 50)}},
	)
	s, lines, n := loadSpoiled(t, root, pQ1, 0)
	want := [][]string{
		{c1, pQ1, "homecare", "1-100", "b", "81"},
		{c1, pQ2, "homecare", "1-100", "z", "50"},
	}
	if got := queryStrings(t, s.conn, "observation_keys"); !reflect.DeepEqual(got, want) || n != 2 {
		t.Errorf("observations (%d rows):\n got %v\nwant %v", n, got, want)
	}
	logged := strings.Join(lines, "\n")
	for _, l := range []string{
		"brought the current rows up to date: 2 periods kept, 0 updated, 0 rebuilt, 0 removed",
		"rebuilt the current rows of all 2 periods from the warehouse, since loading them failed",
	} {
		if !strings.Contains(logged, l) {
			t.Errorf("log lacks %q:\n%s", l, logged)
		}
	}
	if rows, _ := snapshot(t, s, root, pQ1); !reflect.DeepEqual(rows, want[:1]) {
		t.Errorf("Q1's snapshot after the rebuild: %v, want %v", rows, want[:1])
	}
}

// TestCurrentUnreadablePartWay checks a load that fails after a batch of
// metrics is in the table: Q1's snapshot holds only care-home occupancy,
// loaded first, and Q2's, whose rows do not read, only homecare, loaded in
// a batch of its own. The rows are loaded again into a table made anew,
// so each is there once (three, not five), as worked out by hand.
func TestCurrentUnreadablePartWay(t *testing.T) {
	t.Parallel()
	const c1 = "E06000001"
	root := writeDataDir(t,
		sub{ID: "a", Council: c1, Received: day("2024-07-01"), Rows: []obs{chRow("1-100", pQ1, 80), chRow("1-200", pQ1, 70)}},
		sub{ID: "z", Council: c1, Received: day("2024-07-01"), Rows: []obs{hcRow("1-100", pQ2, 50)}},
	)
	s, lines, n := loadSpoiled(t, root, pQ2, 1) // a metric a batch
	want := [][]string{
		{c1, pQ1, "care-home", "1-100", "a", "80"},
		{c1, pQ1, "care-home", "1-200", "a", "70"},
		{c1, pQ2, "homecare", "1-100", "z", "50"},
	}
	if got := queryStrings(t, s.conn, "observation_keys"); !reflect.DeepEqual(got, want) || n != 3 {
		t.Errorf("observations (%d rows):\n got %v\nwant %v", n, got, want)
	}
	if logged := strings.Join(lines, "\n"); !strings.Contains(logged, "since loading them failed (metrics hc-visits-on-time to hc-visits-on-time") {
		t.Errorf("log does not say the load failed at the homecare batch, after the care-home one:\n%s", logged)
	}
}

// TestCurrentIsDerived checks that the snapshots can be deleted at any
// time: the next load rebuilds them, and the observations hold the same
// rows, compared with EXCEPT ALL both ways, as the load before.
func TestCurrentIsDerived(t *testing.T) {
	t.Parallel()
	const c1, c2 = "E06000001", "E06000002"
	root := writeDataDir(t,
		sub{ID: "a", Council: c1, Received: day("2024-07-01"), Rows: []obs{
			hcRow("1-100", pQ1, 80), hcRow("1-200", pQ1, 70), chRow("1-300", pQ1, 90), hcRow("1-100", pQ2, 60)}},
		sub{ID: "b", Council: c1, Received: day("2024-08-01"), Rows: []obs{hcRow("1-100", pQ1, 81)}},
		sub{ID: "c", Council: c2, Received: day("2024-07-02"), Rows: []obs{hcRow("1-100", pQ1, 50), hcRow("1-100", pQ2, 52)}},
	)
	layout := schemas.Layout{Root: root}
	s, _ := loadCurrent(t, root)
	before := filepath.Join(t.TempDir(), "before.parquet")
	if _, err := s.conn.ExecContext(context.Background(), testSQL(t, "current_save_observations"), sql.Named("path", before)); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(layout.CurrentRows()); err != nil {
		t.Fatal(err)
	}
	s, line := loadCurrent(t, root)
	if line != "brought the current rows up to date: 0 periods kept, 0 updated, 2 rebuilt, 0 removed" {
		t.Errorf("the load after deleting warehouse/current logged %q", line)
	}
	for _, q := range []string{"current_observations_not_saved", "current_saved_not_observations"} {
		if got := queryStrings(t, s.conn, q, sql.Named("path", before)); got[0][0] != "0" {
			t.Errorf("%s = %s, want 0", q, got[0][0])
		}
	}
	want := [][]string{
		{c1, pQ1, "care-home", "1-300", "a", "90"},
		{c1, pQ1, "homecare", "1-100", "b", "81"},
		{c1, pQ2, "homecare", "1-100", "a", "60"},
		{c2, pQ1, "homecare", "1-100", "c", "50"},
		{c2, pQ2, "homecare", "1-100", "c", "52"},
	}
	if got := queryStrings(t, s.conn, "observation_keys"); !reflect.DeepEqual(got, want) {
		t.Errorf("observations:\n got %v\nwant %v", got, want)
	}
}

// TestCurrentReadableAsHive checks what an outside reader sees:
// warehouse/current read by DuckDB as a Hive table partitioned by period
// holds the current rows, with period one column, and a filter on it
// reads that period's file.
func TestCurrentReadableAsHive(t *testing.T) {
	t.Parallel()
	const c1 = "E06000001"
	root := writeDataDir(t,
		sub{ID: "a", Council: c1, Received: day("2024-07-01"), Rows: []obs{hcRow("1-100", pQ1, 80), hcRow("1-100", pQ2, 60)}},
		sub{ID: "b", Council: c1, Received: day("2024-08-01"), Rows: []obs{hcRow("1-100", pQ2, 61)}},
	)
	s, _ := loadCurrent(t, root)
	glob := filepath.Join(schemas.Layout{Root: root}.CurrentRows(), "*", "*.parquet")
	for period, want := range map[string][][]string{
		pQ1: {{c1, pQ1, "homecare", "1-100", "a", "80"}},
		pQ2: {{c1, pQ2, "homecare", "1-100", "b", "61"}},
	} {
		got := queryStrings(t, s.conn, "current_hive", sql.Named("glob", glob), sql.Named("period", period))
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s read as a Hive table:\n got %v\nwant %v", period, got, want)
		}
	}
	cols := queryStrings(t, s.conn, "current_hive_columns", sql.Named("glob", glob))
	var names []string
	for _, c := range cols {
		names = append(names, c[0])
	}
	if n := len(slices.DeleteFunc(slices.Clone(names), func(s string) bool { return s != "period" })); n != 1 {
		t.Errorf("columns %v: period %d times, want once", names, n)
	}
}
