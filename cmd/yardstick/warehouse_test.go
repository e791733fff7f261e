package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/publish/publishtest"
	"github.com/yardstick-open/yardstick/schemas"
)

// TestWarehouseMigrate drives yardstick warehouse migrate on a data folder
// in layout 1 holding a council's return and a national submission: ingest
// refuses the folder with a message naming the command, the migration
// makes the hand-listed layout 2 files and says what it did, and ingest
// then stores a return in layout 2.
func TestWarehouseMigrate(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	const council, national = "20261101T090000.000000Z-aaaaaaaa", "20261101T090001.000000Z-bbbbbbbb"
	row := func(c, period string, num int64) publishtest.Obs {
		return publishtest.Obs{Council: c, Provider: "1-101234567", Name: "Acme Care Ltd", Sector: "private",
			Service: "homecare", Metric: "hc-visits-on-time", Period: period, Num: publishtest.I64(num), Den: publishtest.I64(1000)}
	}
	received := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	publishtest.WriteSubmissionsLayout1(t, data,
		publishtest.Sub{ID: council, Council: "E08000009", Received: received,
			Rows: []publishtest.Obs{row("", "2024-25-Q1", 950)}},
		publishtest.Sub{ID: national, Received: received.Add(time.Second),
			Rows: []publishtest.Obs{row("E08000010", "2024-25-Q1", 850), row("E08000009", "2024-25-Q1", 940),
				row("E08000009", "2024-25-Q2", 930)}})
	ret := filepath.Join(t.TempDir(), "trafford.csv")
	if err := os.WriteFile(ret, []byte("council_code,provider_id,provider_name,service,metric,period,numerator,denominator\n"+
		"E08000009,1-101234567,Acme Care Ltd,homecare,hc-visits-on-time,2024-25-Q1,960,1000\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	code, _, stderr := runCmd(t, "ingest", "--data", data, ret)
	if code != exitUsage || !strings.Contains(stderr, "run `yardstick warehouse migrate --data "+data+"` once") {
		t.Fatalf("ingest into layout 1: exit %d\n%s", code, stderr)
	}

	code, stdout, stderr := runCmd(t, "warehouse", "migrate", "--data", data)
	if code != exitOK {
		t.Fatalf("migrate: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "is in layout 2: 2 files linked, 1 merged from 2 (2 rows, compared with their sources)") ||
		!strings.Contains(stdout, "the layout 1 tree is kept in warehouse/.observations-v1-") {
		t.Errorf("migrate said:\n%s", stdout)
	}
	if !strings.Contains(stderr, "migrate: period 2024-25-Q1: 1 linked, 1 merged") {
		t.Errorf("migrate's progress:\n%s", stderr)
	}
	layout := schemas.Layout{Root: data}
	got, _ := filepath.Glob(filepath.Join(layout.Observations(), "period=*", "*.parquet"))
	for i, f := range got {
		got[i], _ = filepath.Rel(layout.Observations(), f)
	}
	want := []string{
		"period=2024-25-Q1/" + council + "_E08000009.parquet",
		"period=2024-25-Q1/" + national + ".parquet",
		"period=2024-25-Q2/" + national + "_E08000009.parquet",
	}
	if !slices.Equal(got, want) {
		t.Errorf("files %q, want %q", got, want)
	}

	code, stdout, stderr = runCmd(t, "ingest", "--data", data, ret)
	if code != exitOK || !strings.Contains(stdout, "accepted as submission") {
		t.Fatalf("ingest after the migration: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if files, _ := filepath.Glob(filepath.Join(layout.Observations(), "period=2024-25-Q1", "*_E08000009.parquet")); len(files) != 2 {
		t.Errorf("Trafford's files in 2024-25-Q1 after the ingest: %q, want two", files)
	}

	code, stdout, _ = runCmd(t, "warehouse", "migrate", "--data", data, "--remove-old")
	if code != exitOK || !strings.Contains(stdout, "is in layout 2 already") || !strings.Contains(stdout, "removed warehouse/.observations-v1-") {
		t.Errorf("migrate --remove-old: exit %d\n%s", code, stdout)
	}
}

// TestPublishDuringUnfinishedMigration checks that publish, run on a data
// folder whose migration was killed between moving the layout 1 tree away
// and putting the new one in place (the state built by hand), refuses
// saying the migration has not finished and how to finish it, not that
// the submissions' files are lost; and that once the migration is run
// again the folder publishes.
func TestPublishDuringUnfinishedMigration(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	publishtest.WriteSubmissionsLayout1(t, data,
		publishtest.Sub{ID: "20261101T090000.000000Z-aaaaaaaa", Council: "E08000009", Received: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC),
			Rows: []publishtest.Obs{{Provider: "1-101234567", Name: "Acme Care Ltd", Sector: "private", Service: "homecare",
				Metric: "hc-visits-on-time", Period: "2024-25-Q1", Num: publishtest.I64(950), Den: publishtest.I64(1000)}}})
	layout := schemas.Layout{Root: data}
	// What `warehouse migrate` leaves killed just after its step 4's first
	// rename: the old tree kept, the complete new one (the file under its
	// layout 2 name) not yet in place.
	const id, period = "20261101T090000.000000Z-aaaaaaaa", "2024-25-Q1"
	newFile := filepath.Join(layout.WarehouseMigrationTree(), "period="+period, schemas.WarehouseFileName(id, "E08000009"))
	if err := os.MkdirAll(filepath.Dir(newFile), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(layout.ObservationFile(period, "E08000009", id), newFile); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(layout.Observations(), filepath.Join(layout.Warehouse(), ".observations-v1-20261101T100000Z")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(schemas.WarehouseMigrationMarker(layout.WarehouseMigrationTree()), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCmd(t, "publish", "--no-site", "--data", data)
	if code == exitOK || !strings.Contains(stderr, "a migration of the warehouse has not finished") ||
		!strings.Contains(stderr, "run `yardstick warehouse migrate --data "+data+"` again") || strings.Contains(stderr, "restore it from a backup") {
		t.Fatalf("publish during an unfinished migration: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := runCmd(t, "warehouse", "migrate", "--data", data); code != exitOK {
		t.Fatalf("migrate again: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := runCmd(t, "publish", "--no-site", "--data", data); code != exitOK {
		t.Fatalf("publish after the migration finished: exit %d\n%s", code, stderr)
	}
}
