package ingest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/yardstick-open/yardstick/schemas"
)

// Submissions of the layout 1 fixture (migFixture).
const (
	migA    = "20261101T090000.000000Z-aaaaaaaa" // Trafford's return for Q1
	migB    = "20261101T090001.000000Z-bbbbbbbb" // Wigan's return for Q1 and Q2
	migN    = "20261101T090002.000000Z-cccccccc" // a national submission
	migR    = "20261101T090003.000000Z-dddddddd" // a rejected submission
	migDead = "20261101T090004.000000Z-eeeeeeee" // an ingest that died
)

// migRow is one hand-written warehouse row of the fixture: council,
// period, provider, metric, numerator, line.
type migRow struct {
	council, period, provider, metric string
	num, line                         int64
}

// migRows are the fixture's rows by submission, in the order the layout 1
// files hold them.
var migRows = map[string][]migRow{
	migA: {
		{"E08000009", "2024-25-Q1", "1-101234567", "hc-visits-on-time", 950, 2},
		{"E08000009", "2024-25-Q1", "1-102345678", "hc-visits-on-time", 800, 3},
	},
	migB: {
		{"E08000010", "2024-25-Q1", "1-101234567", "hc-visits-on-time", 850, 2},
		{"E08000010", "2024-25-Q2", "1-101234567", "hc-visits-on-time", 860, 3},
	},
	migN: {
		{"E08000011", "2024-25-Q1", "1-103456789", "hc-visits-on-time", 700, 2},
		{"E08000011", "2024-25-Q1", "1-101234567", "hc-missed-visits", 4, 3},
		{"E08000009", "2024-25-Q1", "1-101234567", "hc-visits-on-time", 940, 4},
		{"E08000010", "2024-25-Q1", "1-101234567", "hc-visits-on-time", 840, 5},
		{"E08000009", "2024-25-Q2", "1-101234567", "hc-visits-on-time", 930, 6},
	},
	migR:    {{"E08000009", "2024-25-Q1", "1-101234567", "hc-visits-on-time", 1, 2}},
	migDead: {{"E08000009", "2024-25-Q1", "1-101234567", "hc-visits-on-time", 2, 2}},
}

// migFixture writes a data folder in layout 1: the files of migRows, one
// per submission, period and council, written with parquet-go as ingest
// wrote them, and the submissions' manifests (migDead has none, and a
// temporary file too).
func migFixture(t testing.TB, root string) {
	t.Helper()
	layout := schemas.Layout{Root: root}
	received := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	for id, rows := range migRows {
		byFile := map[string][]Observation{}
		var periods, councils []string
		for _, r := range rows {
			p, err := schemas.ParsePeriod(r.period)
			if err != nil {
				t.Fatal(err)
			}
			num, den := r.num, int64(1000)
			path := layout.ObservationFile(r.period, r.council, id)
			byFile[path] = append(byFile[path], Observation{CouncilCode: r.council, ProviderID: r.provider,
				ProviderName: "Provider " + r.provider, ProviderSector: "private", Service: "homecare", Metric: r.metric,
				Period: r.period, Numerator: &num, Denominator: &den, PeriodStart: epochDays(p.Start), PeriodEnd: epochDays(p.End),
				SubmissionID: id, SourceLine: r.line, ReceivedAt: received})
			if !slices.Contains(periods, r.period) {
				periods = append(periods, r.period)
			}
			if !slices.Contains(councils, r.council) {
				councils = append(councils, r.council)
			}
		}
		var files []string
		for path, obs := range byFile {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := parquet.WriteFile(path, obs); err != nil {
				t.Fatal(err)
			}
			files = append(files, relPath(root, path))
		}
		if id == migDead {
			tmp := filepath.Join(filepath.Dir(layout.ObservationFile("2024-25-Q1", "E08000009", id)), "."+id+".parquet.tmp-0a1b2c")
			if err := os.WriteFile(tmp, []byte("torn"), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		slices.Sort(periods)
		slices.Sort(councils)
		slices.Sort(files)
		m := schemas.Manifest{ID: id, File: "return.csv", ReceivedAt: received, Status: schemas.SubmissionAccepted,
			Rows: len(rows), Periods: periods, Councils: councils, Services: []string{"homecare"}, Files: files}
		if len(councils) == 1 {
			m.Council = councils[0]
		}
		if id == migR {
			m.Status, m.Rows, m.Files = schemas.SubmissionRejected, 0, nil
		}
		if err := os.MkdirAll(layout.Submission(id), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := schemas.WriteJSONAtomic(filepath.Join(layout.Submission(id), "manifest.json"), m); err != nil {
			t.Fatal(err)
		}
		received = received.Add(time.Second)
	}
}

// migWantFiles are the layout 2 files the fixture migrates to, worked out
// by hand: a file of one council's rows keeps its council in its name; N
// has three councils in Q1, so one file there.
var migWantFiles = []string{
	"period=2024-25-Q1/" + migA + "_E08000009.parquet",
	"period=2024-25-Q1/" + migB + "_E08000010.parquet",
	"period=2024-25-Q1/" + migN + ".parquet",
	"period=2024-25-Q2/" + migB + "_E08000010.parquet",
	"period=2024-25-Q2/" + migN + "_E08000009.parquet",
}

var migNow = func() time.Time { return time.Date(2026, 11, 30, 22, 0, 0, 0, time.UTC) }

// migCheck checks a migrated data folder: the hand-listed files and
// nothing else; every accepted submission's rows, read by DuckDB, as the
// fixture wrote them; N's Q1 file sorted by council; layout.json; the old
// tree kept.
func migCheck(t *testing.T, root string) {
	t.Helper()
	layout := schemas.Layout{Root: root}
	var got []string
	err := filepath.WalkDir(layout.Observations(), func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			got = append(got, relPath(layout.Observations(), path))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, migWantFiles) {
		t.Errorf("files\n got %q\nwant %q", got, migWantFiles)
	}
	rows, err := whDuckDB(t).Query(`SELECT submission_id, council_code, period, provider_id, metric, numerator, source_line
		FROM read_parquet(` + whGlob(root) + `, hive_partitioning = true)`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	gotRows := map[string][]string{}
	for rows.Next() {
		var id, c, p, prov, metric string
		var num, line int64
		if err := rows.Scan(&id, &c, &p, &prov, &metric, &num, &line); err != nil {
			t.Fatal(err)
		}
		gotRows[id] = append(gotRows[id], fmt.Sprint(migRow{c, p, prov, metric, num, line}))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{migA, migB, migN, migR, migDead} {
		var want []string
		if id != migR && id != migDead {
			for _, r := range migRows[id] {
				want = append(want, fmt.Sprint(r))
			}
		}
		slices.Sort(want)
		g := gotRows[id]
		slices.Sort(g)
		if !slices.Equal(g, want) {
			t.Errorf("submission %s: rows\n got %q\nwant %q", id, g, want)
		}
	}
	merged, err := parquet.ReadFile[Observation](filepath.Join(layout.Observations(), migWantFiles[2]))
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, o := range merged {
		order = append(order, fmt.Sprintf("%s %d", o.CouncilCode, o.SourceLine))
	}
	// By council; within a council, as its layout 1 file held them.
	if want := []string{"E08000009 4", "E08000010 5", "E08000011 2", "E08000011 3"}; !slices.Equal(order, want) {
		t.Errorf("merged file's rows %q, want %q", order, want)
	}
	if v, recorded, err := schemas.ReadWarehouseLayout(layout); v != 2 || !recorded || err != nil {
		t.Errorf("layout %d recorded %v (%v), want 2 recorded", v, recorded, err)
	}
	old := filepath.Join(layout.Warehouse(), ".observations-v1-20261130T220000Z")
	if _, err := os.Stat(filepath.Join(old, "period=2024-25-Q1", "council=E08000009", migR+".parquet")); err != nil {
		t.Errorf("the old tree is not kept whole: %v", err)
	}
	for _, leftover := range []string{filepath.Join(layout.Warehouse(), ".observations-v2"), filepath.Join(layout.Observations(), "_complete")} {
		if _, err := os.Stat(leftover); err == nil {
			t.Errorf("%s is left", relPath(root, leftover))
		}
	}
}

func TestMigrateWarehouse(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	migFixture(t, root)
	var lines []string
	rep, err := MigrateWarehouse(context.Background(), schemas.Layout{Root: root},
		MigrateOptions{Now: migNow, Progress: func(l string) { lines = append(lines, l) }})
	if err != nil {
		t.Fatal(err)
	}
	want := MigrateReport{Linked: 4, Merged: 1, Sources: 3, Rows: 4, Left: 2, Old: "warehouse/.observations-v1-20261130T220000Z"}
	if fmt.Sprint(*rep) != fmt.Sprint(want) {
		t.Errorf("report %+v\nwant %+v", *rep, want)
	}
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "period 2024-25-Q1: 2 linked, 1 merged") {
		t.Errorf("progress %q, want a line per period", lines)
	}
	migCheck(t, root)

	// Run again: nothing to do.
	again, err := MigrateWarehouse(context.Background(), schemas.Layout{Root: root}, MigrateOptions{Now: migNow})
	if err != nil || !again.Already {
		t.Errorf("second run: %+v, %v; want already in layout 2", again, err)
	}
	migCheck(t, root)

	// Ingest now writes layout 2, and compares a council's return with
	// the national submission's merged file: E08000011's two rows in Q1,
	// of which the return carries one.
	p := tickingPipeline(t)
	p.Layout.Root = root
	ret := header + "E08000011,1-103456789,Provider,private,homecare,hc-visits-on-time,2024-25-Q1,710,1000,71,\n"
	r := ingestBytes(t, p, []byte(ret), Options{})
	if !r.Accepted() || len(r.Withdrawals) != 1 || r.Withdrawals[0].Submission != migN || r.Withdrawals[0].Rows != 2 ||
		r.Withdrawals[0].Withdrawn != 1 || r.Withdrawals[0].Sample[0] != (RowKey{"hc-missed-visits", "1-101234567"}) {
		t.Errorf("ingest after the migration: %s, withdrawals %+v", r.Status, r.Withdrawals)
	}

	// --remove-old removes the kept tree.
	rm, err := MigrateWarehouse(context.Background(), schemas.Layout{Root: root}, MigrateOptions{RemoveOld: true})
	if err != nil || !slices.Equal(rm.Removed, []string{want.Old}) {
		t.Errorf("remove old: %+v, %v", rm, err)
	}
}

// TestMigrateBusy checks that a migration refuses to start while an
// ingest holds its incoming submission's lock, or a publish its lock.
func TestMigrateBusy(t *testing.T) {
	t.Parallel()
	for _, lock := range []string{"submissions/.incoming/20261101T090009.000000Z-ffffffff.lock", ".publish.lock", "warehouse/.layout.lock"} {
		root := t.TempDir()
		migFixture(t, root)
		unlock, err := schemas.LockFile(context.Background(), filepath.Join(root, lock))
		if err != nil {
			t.Fatal(err)
		}
		_, err = MigrateWarehouse(context.Background(), schemas.Layout{Root: root}, MigrateOptions{})
		unlock()
		if !errors.Is(err, ErrBusy) || !strings.Contains(err.Error(), "run the migration again once it has finished") {
			t.Errorf("%s held: %v, want ErrBusy", lock, err)
		}
		if v, _, _ := schemas.ReadWarehouseLayout(schemas.Layout{Root: root}); v != 1 {
			t.Errorf("%s held: the warehouse is in layout %d, want 1 untouched", lock, v)
		}
	}
}

// TestMigrateFolderVanishes checks that a migration passes over a period
// folder that vanishes between its listing of the warehouse and its
// reading of the folder, as the clean-up after a dead ingest (which runs
// outside the layout lock) removes one it has emptied, and that the rest
// migrates as it would have. It sets failpoint, so it does not run in
// parallel.
func TestMigrateFolderVanishes(t *testing.T) {
	root := t.TempDir()
	migFixture(t, root)
	layout := schemas.Layout{Root: root}
	// The folders a dead ingest's file was in, emptied by its clean-up.
	gone := []string{filepath.Join(layout.Observations(), "period=2030-31-Q2", "council=E08000009")}
	for _, d := range gone {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	failpoint = func(step string) {
		if step == "migrate-listed" {
			for _, d := range gone {
				if err := os.RemoveAll(filepath.Dir(d)); err != nil {
					t.Error(err)
				}
			}
		}
	}
	t.Cleanup(func() { failpoint = nil })
	if _, err := MigrateWarehouse(context.Background(), layout, MigrateOptions{Now: migNow}); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	migCheck(t, root)
}
