package schemas

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// The warehouse has two layouts of observation files. Layout 1, the first,
// keeps one file per submission, period and council:
// period=<p>/council=<gss>/<id>.parquet. Layout 2 keeps one file per
// submission and period: period=<p>/<id>_<gss>.parquet when the submission
// has one council in that period, period=<p>/<id>.parquet when it has
// several. A national return then makes a file per quarter instead of one
// per council and quarter. DuckDB refuses a Hive folder that mixes
// partition depths, so a warehouse is in one layout or the other, never
// both; warehouse/layout.json names it.

// Warehouse is the folder holding the observation warehouse and the
// snapshots publish keeps of it.
func (l Layout) Warehouse() string { return filepath.Join(l.Root, "warehouse") }

// WarehouseLayoutFile records which layout warehouse/observations is in.
func (l Layout) WarehouseLayoutFile() string { return filepath.Join(l.Warehouse(), "layout.json") }

// ObservationPeriod is the folder of one period's observation files.
func (l Layout) ObservationPeriod(period string) string {
	return filepath.Join(l.Observations(), "period="+period)
}

// ObservationPeriodFile is where layout 2 stores a submission's rows for
// one period: council is the council's code when the submission has only
// that council in the period, and "" when it has several.
func (l Layout) ObservationPeriodFile(period, council, submissionID string) string {
	return filepath.Join(l.ObservationPeriod(period), WarehouseFileName(submissionID, council))
}

// WarehouseFileName is the base name of a layout 2 observation file; see
// ObservationPeriodFile.
func WarehouseFileName(submissionID, council string) string {
	if council == "" {
		return submissionID + ".parquet"
	}
	return submissionID + "_" + council + ".parquet"
}

// WarehouseFileID reads a warehouse file's base name back into the
// submission it belongs to and, for a layout 2 file of one council, that
// council; a layout 1 file (<id>.parquet) gives no council, which its
// folder names instead. Temporary files (.<name>.tmp-<random>) and other
// names give ok false. Submission ids never hold an underscore, so the id
// ends at the first one.
func WarehouseFileID(name string) (id, council string, ok bool) {
	stem, found := strings.CutSuffix(name, ".parquet")
	if !found || stem == "" || strings.HasPrefix(stem, ".") {
		return "", "", false
	}
	id, council, _ = strings.Cut(stem, "_")
	if id == "" || strings.ContainsAny(council, "_/") {
		return "", "", false
	}
	return id, council, true
}

// CurrentRows is the folder of the snapshots publish keeps of the current
// rows, one per period: derived from the warehouse, replaced whole, and
// safe to delete.
func (l Layout) CurrentRows() string { return filepath.Join(l.Warehouse(), "current") }

// CurrentRowsFile is the snapshot of one period's current rows.
func (l Layout) CurrentRowsFile(period string) string {
	return filepath.Join(l.CurrentRows(), "period="+period, "current.parquet")
}

// WarehouseLayoutVersion is the observation layout ingest writes.
const WarehouseLayoutVersion = 2

// WarehouseLayout is the content of warehouse/layout.json.
type WarehouseLayout struct {
	Observations int `json:"observations"`
}

// WarehouseLayoutLock is the file a migration holds locked while it moves
// the warehouse to another layout, and that an ingest holds while it
// checks the layout and registers itself, so that no ingest writes a file
// into a tree being moved.
func (l Layout) WarehouseLayoutLock() string { return filepath.Join(l.Warehouse(), ".layout.lock") }

// WarehouseTempFileID reads the temporary name of a warehouse file
// (.<name>.tmp-<random>, as CreatePending makes it) back into the
// submission it belongs to and its council, as WarehouseFileID does for a
// final name.
func WarehouseTempFileID(name string) (id, council string, ok bool) {
	final, ok := TempBase(name)
	if !ok {
		return "", "", false
	}
	return WarehouseFileID(final)
}

// ErrWarehouseLayout1 is returned by ReadWarehouseLayout's callers that
// write or read only layout 2, for a warehouse still in layout 1.
var ErrWarehouseLayout1 = errors.New("the warehouse is in layout 1 (period=<period>/council=<gss>/<id>.parquet)")

// ErrWarehouseMigrationUnfinished is returned by CheckWarehouseMigration
// when a migration of the warehouse to layout 2 was begun and not
// finished; running the migration again finishes it.
var ErrWarehouseMigrationUnfinished = errors.New("a migration of the warehouse has not finished")

// WarehouseMigrationTree is where a migration builds the layout 2 tree,
// beside warehouse/observations, before renaming it into place.
func (l Layout) WarehouseMigrationTree() string {
	return filepath.Join(l.Warehouse(), ".observations-v2")
}

// WarehouseMigrationMarker is the file a migration writes in tree once
// the new tree in it is complete and synced, and removes once the tree is
// in place and its layout recorded.
func WarehouseMigrationMarker(tree string) string { return filepath.Join(tree, "_complete") }

// CheckWarehouseMigration returns an error wrapping
// ErrWarehouseMigrationUnfinished, saying how to finish it, when a
// migration was begun and not finished: its new tree is there beside the
// old (or alone, the old moved away), or is in place without its layout
// recorded. Writing into either tree then could lose rows, and reading
// one of them would miss some. Only a migration, holding the publish lock
// and the layout lock, makes or removes these, so a caller holding either
// lock sees a settled state.
func CheckWarehouseMigration(l Layout) error {
	for _, p := range []string{l.WarehouseMigrationTree(), WarehouseMigrationMarker(l.Observations())} {
		_, err := os.Lstat(p)
		if err == nil {
			return fmt.Errorf("%w in %s (%s is there): run `yardstick warehouse migrate --data %s` again",
				ErrWarehouseMigrationUnfinished, l.Warehouse(), p, l.Root)
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("check for an unfinished migration of the warehouse: %w", err)
		}
	}
	return nil
}

// ReadWarehouseLayout returns the layout warehouse/observations is in, and
// whether warehouse/layout.json records it. Without layout.json, a
// warehouse whose period folders hold council folders is in layout 1, and
// any other (an empty one, or one a crash left before its first
// layout.json was written) in layout 2. A layout.json that cannot be read
// or names an unknown layout is an error, since guessing could mix two
// layouts in one Hive folder, which DuckDB refuses to read.
func ReadWarehouseLayout(l Layout) (version int, recorded bool, err error) {
	b, err := os.ReadFile(l.WarehouseLayoutFile())
	if err == nil {
		var wl WarehouseLayout
		if err := json.Unmarshal(b, &wl); err != nil {
			return 0, false, fmt.Errorf("read %s: %w; it should read {\"observations\": %d}", l.WarehouseLayoutFile(), err, WarehouseLayoutVersion)
		}
		if wl.Observations != 1 && wl.Observations != WarehouseLayoutVersion {
			return 0, false, fmt.Errorf("%s names observation layout %d, which this version of yardstick does not know", l.WarehouseLayoutFile(), wl.Observations)
		}
		return wl.Observations, true, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return 0, false, fmt.Errorf("read warehouse layout: %w", err)
	}
	periods, err := os.ReadDir(l.Observations())
	if errors.Is(err, fs.ErrNotExist) {
		return WarehouseLayoutVersion, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("list warehouse: %w", err)
	}
	for _, pe := range periods {
		if !pe.IsDir() || !strings.HasPrefix(pe.Name(), "period=") {
			continue
		}
		entries, err := os.ReadDir(filepath.Join(l.Observations(), pe.Name()))
		if errors.Is(err, fs.ErrNotExist) {
			continue // an aborted ingest removed the folder it had emptied
		}
		if err != nil {
			return 0, false, fmt.Errorf("list warehouse: %w", err)
		}
		for _, e := range entries {
			if e.IsDir() && strings.HasPrefix(e.Name(), "council=") {
				return 1, false, nil
			}
		}
	}
	return WarehouseLayoutVersion, false, nil
}

// WriteWarehouseLayout records in warehouse/layout.json that the
// warehouse is in the layout ingest writes, through a temporary file,
// synced and renamed into place.
func WriteWarehouseLayout(l Layout) error {
	return WriteJSONAtomic(l.WarehouseLayoutFile(), WarehouseLayout{Observations: WarehouseLayoutVersion})
}
