package schemas

import (
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
