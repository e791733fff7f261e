package ingest

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/yardstick-open/yardstick/schemas"
)

// TestRemoveLeftoversSparesLiveIngests checks that cleaning up after dead
// ingests leaves a running one alone: its incoming folder, spill, lock and
// warehouse files stay while its lock is held, and a lock file with nothing
// else of its id goes, however young, once its lock is free, and stays
// while it is held (an ingest that has just taken it). A dead id's files
// go, in the warehouse too, while another submission's file in the same
// partition stays.
func TestRemoveLeftoversSparesLiveIngests(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	p := &Pipeline{Layout: schemas.Layout{Root: root}}
	in := p.incomingDir()
	part := p.Layout.ObservationPeriod("2024-25-Q1")
	// A layout 1 council folder (ingest refuses such a warehouse, but
	// RemoveLeftovers may meet one before its migration).
	old1 := filepath.Dir(p.Layout.ObservationFile("2024-25-Q1", "E08000010", "x"))
	const live, dead, lonely, other, taken = "20261122T093000.000000Z-aaaaaaaa", "20261122T093000.000000Z-bbbbbbbb",
		"20261122T093000.000000Z-cccccccc", "20261122T093000.000000Z-dddddddd", "20261122T093000.000000Z-eeeeeeee"
	for _, dir := range []string{filepath.Join(in, live), filepath.Join(in, dead), part, old1} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]bool{ // path: whether it must survive
		filepath.Join(in, live+".spill"):                           true,
		filepath.Join(part, live+"_E08000009.parquet"):             true,
		filepath.Join(part, "."+live+".parquet.tmp-a1"):            true,
		filepath.Join(in, dead+".spill"):                           false,
		filepath.Join(in, dead, "return.csv"):                      false,
		filepath.Join(part, dead+"_E08000009.parquet"):             false,
		filepath.Join(part, dead+".parquet"):                       false,
		filepath.Join(part, "."+dead+"_E08000009.parquet.tmp-b2"):  false,
		filepath.Join(part, "."+dead+".parquet.tmp-b3"):            false,
		filepath.Join(old1, dead+".parquet"):                       false,
		filepath.Join(in, lonely+".lock"):                          false,
		filepath.Join(part, other+"_E08000009.parquet"):            true,
		filepath.Join(part, other+".parquet"):                      true,
		filepath.Join(part, "."+other+"_E08000009.parquet.tmp-c3"): true,
	}
	for f := range files {
		if err := os.WriteFile(f, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	unlock, err := schemas.LockFile(context.Background(), filepath.Join(in, live+".lock"))
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	unlockTaken, err := schemas.LockFile(context.Background(), filepath.Join(in, taken+".lock"))
	if err != nil {
		t.Fatal(err)
	}
	defer unlockTaken()
	files[filepath.Join(in, taken+".lock")] = true
	// A dead ingest's lock file is there too, free.
	if err := os.WriteFile(filepath.Join(in, dead+".lock"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	files[filepath.Join(in, dead+".lock")] = false

	gone, err := p.removeLeftovers()
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(gone)
	if want := []string{dead, lonely}; !slices.Equal(gone, want) {
		t.Errorf("removed %v, want %v", gone, want)
	}
	for f, keep := range files {
		_, err := os.Stat(f)
		if keep && err != nil {
			t.Errorf("%s was removed: %v", relPath(root, f), err)
		}
		if !keep && err == nil {
			t.Errorf("%s is still there", relPath(root, f))
		}
	}
	if _, err := os.Stat(filepath.Join(in, dead)); err == nil {
		t.Errorf("the dead ingest's folder is still there")
	}
	if _, err := os.Stat(old1); err == nil {
		t.Errorf("the layout 1 council folder emptied of the dead ingest's file is still there")
	}
}

// TestRemoveLeftoversFinishedLock checks that a lock file alone goes when
// its submission is in place, and the submission stays: an ingest killed
// after renaming its folder into place and removing its spill, but before
// removing its lock file, left it. TestCrashAnyMoment found it left behind
// when the kill fell there.
func TestRemoveLeftoversFinishedLock(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	p := &Pipeline{Layout: schemas.Layout{Root: root}}
	const finished = "20261122T093000.000000Z-eeeeeeee"
	if err := os.MkdirAll(p.Layout.Submission(finished), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(p.incomingDir(), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(p.incomingDir(), finished+".lock"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	gone, err := p.removeLeftovers()
	if err != nil {
		t.Fatal(err)
	}
	if len(gone) != 0 {
		t.Errorf("reported %v as never arrived, want none: the finished one arrived", gone)
	}
	if _, err := os.Stat(filepath.Join(p.incomingDir(), finished+".lock")); err == nil {
		t.Errorf("the lock file of a submission in place is still there")
	}
	if _, err := os.Stat(p.Layout.Submission(finished)); err != nil {
		t.Errorf("the submission was removed: %v", err)
	}
}

// TestWarehouseFileID checks which warehouse names belong to a submission.
func TestWarehouseFileID(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]string{
		"20261122T093000.000000Z-aaaaaaaa.parquet":                         "20261122T093000.000000Z-aaaaaaaa",
		".20261122T093000.000000Z-aaaaaaaa.parquet.tmp-0a1b2c3d":           "20261122T093000.000000Z-aaaaaaaa",
		"20261122T093000.000000Z-aaaaaaaa_E08000009.parquet":               "20261122T093000.000000Z-aaaaaaaa",
		".20261122T093000.000000Z-aaaaaaaa_E08000009.parquet.tmp-0a1b2c3d": "20261122T093000.000000Z-aaaaaaaa",
		".layout.json.tmp-0a1b":                                            "",
		".hidden.parquet":                                                  "",
		"notes.txt":                                                        "",
		".x.json.tmp-0a1b":                                                 "",
		"20261122T093000.000000Z-a":                                        "",
	} {
		if got := warehouseFileID(name); got != want {
			t.Errorf("warehouseFileID(%q) = %q, want %q", name, got, want)
		}
	}
}
