package duckdb

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"
)

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
	key := "metric, period, council_code, provider_id, service"
	// The rows edited: the first shown figure of the last metric, the first
	// row of the first metric, and the last row of the second.
	pick := func(where string) []string {
		return queryText(t, first.db, "SELECT "+key+" FROM observations WHERE "+where+" ORDER BY "+key+" LIMIT 1")[0]
	}
	revised := pick("status = '' AND numerator > 0 AND metric = (SELECT max(metric) FROM observations)")
	added := pick("metric = (SELECT min(metric) FROM observations)")
	second := queryText(t, first.db, "SELECT DISTINCT metric FROM observations ORDER BY metric")[1][0]
	last := queryText(t, first.db, "SELECT "+key+" FROM observations WHERE metric = $1 ORDER BY "+key+" DESC LIMIT 1", second)[0]
	withdrawn := []string{last[0], last[1], last[2], "1-zzz", last[4]}
	gone := []string{"aaa-gone", last[1], last[2], last[3], last[4]}
	match := func(k []string) string {
		return "metric = '" + k[0] + "' AND period = '" + k[1] + "' AND council_code = '" + k[2] +
			"' AND provider_id = '" + k[3] + "' AND service = '" + k[4] + "'"
	}
	prev := filepath.Join(t.TempDir(), "observations.parquet")
	for _, q := range []string{
		"UPDATE observations SET numerator = numerator + 1 WHERE " + match(revised),
		"DELETE FROM observations WHERE " + match(added),
		"INSERT INTO observations SELECT * REPLACE ('1-zzz' AS provider_id) FROM observations WHERE " + match(last),
		"INSERT INTO observations SELECT * REPLACE ('aaa-gone' AS metric) FROM observations WHERE " + match(last),
		"COPY (FROM observations ORDER BY " + key + ") TO '" + prev + "' (FORMAT parquet)",
	} {
		if _, err := first.db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
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
		got := queryText(t, db.db, "SELECT "+key+", change FROM changes")
		if !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("batch rows %d: changes\n%v\nwant\n%v", batchRows, got, want)
		}
		tables = append(tables, queryText(t, db.db, "SELECT * FROM changes"))
		if n := queryText(t, db.db, "SELECT count(*) FROM observations WHERE status = 'r' AND "+match(revised)); n[0][0] != "1" {
			t.Errorf("batch rows %d: the revised figure is not marked r", batchRows)
		}
	}
	if len(tables) == 2 && !slices.EqualFunc(tables[0], tables[1], slices.Equal) {
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
	key := "metric, period, council_code, provider_id, service"
	pick := func(where string) []string {
		return queryText(t, db.db, "SELECT "+key+" FROM observations WHERE "+where+" ORDER BY "+key+" LIMIT 1")[0]
	}
	changed := pick("status = '' AND numerator > 0 AND metric = (SELECT max(metric) FROM observations)")
	lacked := pick("metric = (SELECT min(metric) FROM observations)")
	match := func(k []string) string {
		return "metric = '" + k[0] + "' AND period = '" + k[1] + "' AND council_code = '" + k[2] +
			"' AND provider_id = '" + k[3] + "' AND service = '" + k[4] + "'"
	}
	only := []string{"aaa-only", changed[1], changed[2], changed[3], changed[4]}
	for _, q := range []string{
		"UPDATE comparisons SET numerator = numerator + 1 WHERE " + match(changed),
		"DELETE FROM observations WHERE " + match(lacked),
		"INSERT INTO comparisons SELECT * REPLACE ('aaa-only' AS metric) FROM comparisons WHERE " + match(changed),
	} {
		if _, err := db.db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
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
	if len(found) == 2 && !slices.EqualFunc(found[0], found[1], slices.Equal) {
		t.Errorf("one join found\n%v\nand a metric at a time\n%v", found[0], found[1])
	}
}
