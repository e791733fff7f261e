package duckdb

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"
)

// keyColumns are the observations' key, in the order the tables store it.
const keyColumns = "metric, period, council_code, provider_id, service"

// firstKey returns the key of the first row of observations in db, in
// key order, that where selects.
func firstKey(t *testing.T, db runner, where string) []string {
	t.Helper()
	return queryText(t, db, "SELECT "+keyColumns+" FROM observations WHERE "+where+" ORDER BY "+keyColumns+" LIMIT 1")[0]
}

// keyIs is a condition that selects the row whose key is k, and its
// arguments.
func keyIs(k []string) (string, []any) {
	return "metric = ? AND period = ? AND council_code = ? AND provider_id = ? AND service = ?",
		[]any{k[0], k[1], k[2], k[3], k[4]}
}

// execAll runs each statement on db, given the arguments of the key it
// names.
func execAll(t *testing.T, db runner, stmts []string, args ...[]any) {
	t.Helper()
	for i, q := range stmts {
		if _, err := db.ExecContext(context.Background(), q, args[i]...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// TestChangesInBatches checks that Build finds the same changes from the
// previous release's observations whether it compares them in one join
// or a metric at a time, and finds each edit made to that release, in
// key order: a figure revised, a row that release lacked (added), and
// rows it alone had (withdrawn), one of them of a metric this release has
// no row of, which sorts before every other, so the batches must cover
// the metrics of both sides.
func TestChangesInBatches(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	root, cs, cat := syntheticFixture(t, 60) // 150 councils × 60 providers × 16 rows, 4 metrics
	first := openTest(t)
	if err := first.Build(ctx, BuildInput{DataDir: root, Catalogue: cat, Councils: cs}); err != nil {
		t.Fatal(err)
	}
	// The rows edited: the first shown figure of the last metric, the first
	// row of the first metric, and the last row of the second.
	revised := firstKey(t, first.db, "status = '' AND numerator > 0 AND metric = (SELECT max(metric) FROM observations)")
	added := firstKey(t, first.db, "metric = (SELECT min(metric) FROM observations)")
	second := queryText(t, first.db, "SELECT DISTINCT metric FROM observations ORDER BY metric")[1][0]
	last := queryText(t, first.db, "SELECT "+keyColumns+" FROM observations WHERE metric = ? ORDER BY "+keyColumns+" DESC LIMIT 1", second)[0]
	withdrawn := []string{last[0], last[1], last[2], "1-zzz", last[4]}
	gone := []string{"aaa-gone", last[1], last[2], last[3], last[4]}
	prev := filepath.Join(t.TempDir(), "observations.parquet")
	isRevised, revisedArgs := keyIs(revised)
	isAdded, addedArgs := keyIs(added)
	isLast, lastArgs := keyIs(last)
	execAll(t, first.db, []string{
		"UPDATE observations SET numerator = numerator + 1 WHERE " + isRevised,
		"DELETE FROM observations WHERE " + isAdded,
		"INSERT INTO observations SELECT * REPLACE ('1-zzz' AS provider_id) FROM observations WHERE " + isLast,
		"INSERT INTO observations SELECT * REPLACE ('aaa-gone' AS metric) FROM observations WHERE " + isLast,
		"COPY (FROM observations ORDER BY " + keyColumns + ") TO '" + prev + "' (FORMAT parquet)",
	}, revisedArgs, addedArgs, lastArgs, lastArgs, nil)
	want := [][]string{
		append(gone, "withdrawn"),
		append(added, "added"),
		append(withdrawn, "withdrawn"),
		append(revised, "revised"),
	}
	var tables [][][]string
	for _, batchRows := range []int64{0, 50_000} {
		db := openTest(t)
		in := BuildInput{DataDir: root, Catalogue: cat, Councils: cs, Previous: prev, batchRows: batchRows}
		if err := db.Build(ctx, in); err != nil {
			t.Fatal(err)
		}
		// In the table's own order, which the batches keep as key order.
		got := queryText(t, db.db, "SELECT "+keyColumns+", change FROM changes")
		if !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("batch rows %d: changes\n%v\nwant\n%v", batchRows, got, want)
		}
		tables = append(tables, queryText(t, db.db, "SELECT * FROM changes"))
		if n := queryText(t, db.db, "SELECT count(*) FROM observations WHERE status = 'r' AND "+isRevised, revisedArgs...); n[0][0] != "1" {
			t.Errorf("batch rows %d: the revised figure is not marked r", batchRows)
		}
	}
	if !slices.EqualFunc(tables[0], tables[1], slices.Equal) {
		t.Errorf("changes in one join\n%v\nand a metric at a time\n%v", tables[0], tables[1])
	}
}

// TestCheckTablesInBatches checks that the check of observations against
// comparisons finds the same disagreements whether it compares them in
// one join or a metric at a time, and finds each corruption of a release
// file, in key order: a count changed in comparisons, a row observations
// lacks, and a row of comparisons of a metric observations has no row of,
// which sorts before every other.
func TestCheckTablesInBatches(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	root, cs, cat := syntheticFixture(t, 60) // 150 councils × 60 providers × 16 rows, 4 metrics
	// Built in a file, as buildFile builds one, so the check's macros are
	// in it.
	file := filepath.Join(t.TempDir(), "yardstick.duckdb")
	build, err := Open(ctx, file, Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := build.Build(ctx, BuildInput{DataDir: root, Catalogue: cat, Councils: cs}); err != nil {
		build.Close()
		t.Fatal(err)
	}
	if err := build.Close(); err != nil {
		t.Fatal(err)
	}
	db := openCopy(t, file)
	changed := firstKey(t, db.db, "status = '' AND numerator > 0 AND metric = (SELECT max(metric) FROM observations)")
	lacked := firstKey(t, db.db, "metric = (SELECT min(metric) FROM observations)")
	only := []string{"aaa-only", changed[1], changed[2], changed[3], changed[4]}
	isChanged, changedArgs := keyIs(changed)
	isLacked, lackedArgs := keyIs(lacked)
	execAll(t, db.db, []string{
		"UPDATE comparisons SET numerator = numerator + 1 WHERE " + isChanged,
		"DELETE FROM observations WHERE " + isLacked,
		"INSERT INTO comparisons SELECT * REPLACE ('aaa-only' AS metric) FROM comparisons WHERE " + isChanged,
	}, changedArgs, lackedArgs, changedArgs)
	want := [][]string{only, lacked, changed}
	var found [][][]string
	for _, batchRows := range []int64{0, 50_000} {
		s, err := db.session(ctx)
		if err != nil {
			t.Fatal(err)
		}
		s.loadBatch = batchRows
		err = s.checkDisclosure(ctx)
		s.close()
		var de *DisclosureError
		if !errors.As(err, &de) {
			t.Fatalf("batch rows %d: check = %v, want a *DisclosureError", batchRows, err)
		}
		var got [][]string
		for _, v := range de.Violations {
			if v.Rule == "tables-disagree" {
				got = append(got, []string{v.Metric, v.Period, v.Council, v.Provider, v.Service})
			}
		}
		if !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("batch rows %d: tables disagree at\n%v\nwant\n%v", batchRows, got, want)
		}
		found = append(found, got)
	}
	if !slices.EqualFunc(found[0], found[1], slices.Equal) {
		t.Errorf("one join found\n%v\nand a metric at a time\n%v", found[0], found[1])
	}
}
