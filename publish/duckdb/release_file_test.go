package duckdb

import (
	"compress/gzip"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/yardstick-open/yardstick/schemas"
)

// TestWriteReleaseMatchesRegistry writes the fixture's release database and
// checks it holds exactly the tables of schemas.PublicTables, each with
// the registry's columns and types in order, and no free blocks; and that
// WriteRelease refuses to write over it, since a file written over would
// keep what it held before.
func TestWriteReleaseMatchesRegistry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := buildFixture(t)
	file := filepath.Join(t.TempDir(), "yardstick.duckdb")
	if err := db.WriteRelease(ctx, file); err != nil {
		t.Fatal(err)
	}
	if err := db.WriteRelease(ctx, file); err == nil {
		t.Error("WriteRelease over an existing file: no error")
	}
	pub, err := Open(ctx, file, Options{ReadOnly: true, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()

	var got []string
	for _, r := range queryStrings(t, pub.db, "table_names") {
		got = append(got, r[0])
	}
	want := slices.Clone(Tables)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("tables = %v, want %v", got, want)
	}
	for _, table := range schemas.PublicTables {
		t.Run(table.Name, func(t *testing.T) {
			cols := queryStrings(t, pub.db, "column_types", sql.Named("table", table.Name))
			if len(cols) != len(table.Columns) {
				t.Errorf("%d columns, registry has %d: %v", len(cols), len(table.Columns), cols)
			}
			for i := range min(len(cols), len(table.Columns)) {
				c := table.Columns[i]
				if cols[i][0] != c.Name || cols[i][1] != c.Type.SQLType() {
					t.Errorf("column %d = %s %s, registry says %s %s", i+1, cols[i][0], cols[i][1], c.Name, c.Type.SQLType())
				}
			}
		})
	}
	blocks := queryStrings(t, pub.db, "free_blocks")
	if len(blocks) != 1 || blocks[0][2] != "0" || blocks[0][0] != blocks[0][1] {
		t.Errorf("total, used, free blocks = %v, want no free block", blocks)
	}
}

// TestFreeBlocksAreFound checks that the free-block check can fail: a
// database file whose rows were overwritten after they reached the disk,
// as releases once were built, has free blocks, and the query
// WriteRelease checks with finds them.
func TestFreeBlocksAreFound(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "updated.duckdb"), Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.db.ExecContext(ctx, testSQL(t, "update_note")); err != nil {
		t.Fatal(err)
	}
	blocks := queryStrings(t, db.db, "free_blocks")
	if len(blocks) != 1 || blocks[0][2] == "0" {
		t.Errorf("total, used, free blocks after an update = %v, want some free", blocks)
	}
}

// TestSig6 checks the rounding rule for computed figures against values
// rounded by hand.
func TestSig6(t *testing.T) {
	t.Parallel()
	db := openTest(t)
	if err := func() error {
		s, err := db.session(context.Background())
		if err != nil {
			return err
		}
		defer s.close()
		return s.createMacros(context.Background())
	}(); err != nil {
		t.Fatal(err)
	}
	in := []float64{94.69999999999999, -0.8999999999999915, 12345678.9, 0.0000123456789, 93.21234567, 99.9999996, 0, -2.3456789, 1, 0.5}
	want := []float64{94.7, -0.9, 12345700, 0.0000123457, 93.2123, 100, 0, -2.34568, 1, 0.5}
	rows, err := db.db.QueryContext(context.Background(), testSQL(t, "sig6"), sql.Named("xs", in))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for i := 0; rows.Next(); i++ {
		n++
		var got float64
		if err := rows.Scan(&got); err != nil {
			t.Fatal(err)
		}
		// Exactly the double nearest the decimal: what CSV and JSON print.
		if got != want[i] {
			t.Errorf("sig6(%v) = %v, want %v", in[i], got, want[i])
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n != len(in) {
		t.Errorf("%d rows, want %d", n, len(in))
	}
}

// TestBuildStoresKeyOrder checks what write_release.sql's copies, which
// do not sort, rest on: Build stores observations and comparisons in key
// order (metric, period, council_code, provider_id, service), here on two
// threads, in several row groups, with its tables compacted as under a
// memory limit and the comparisons made in batches of a few metrics, so
// the release file holds them in that order. It does so whether Build
// keeps the comparisons for WriteRelease to copy or writes them into the
// release file itself (BuildInput.Release), and both ways give the same
// comparisons and a file with no free blocks. Two more rows, of one
// council's staff turnover in a quarter of its own, are in a different
// order by service than by provider.
func TestBuildStoresKeyOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	root, cs, cat := syntheticFixture(t, 60) // 150 councils × 60 providers × 16 rows
	council := queryText(t, openTest(t).db, "SELECT council_code FROM read_parquet($glob) LIMIT 1",
		sql.Named("glob", filepath.Join(root, "warehouse", "**", "*.parquet")))[0][0]
	addSubmissions(t, root, sub{ID: "turnover", Council: council, Received: day("2025-01-02"), Rows: []obs{
		{Provider: "A", Name: "Provider A", Service: "supported-living", Metric: "staff-turnover", Period: "2022-23-Q1", Num: i64(30), Den: i64(100)},
		{Provider: "B", Name: "Provider B", Service: "homecare", Metric: "staff-turnover", Period: "2022-23-Q1", Num: i64(40), Den: i64(100)},
	}})
	var digests []string
	for _, into := range []bool{false, true} {
		t.Run(fmt.Sprintf("into the release file %v", into), func(t *testing.T) {
			db := openTest(t)
			file := filepath.Join(t.TempDir(), "yardstick.duckdb")
			in := BuildInput{DataDir: root, Catalogue: cat, Councils: cs, Compact: true, batchRows: 30_000}
			if into {
				in.Release = file
			}
			if err := db.Build(ctx, in); err != nil {
				t.Fatal(err)
			}
			if err := db.WriteRelease(ctx, file); err != nil {
				t.Fatal(err)
			}
			pub, err := Open(ctx, file, Options{ReadOnly: true, Threads: 2})
			if err != nil {
				t.Fatal(err)
			}
			defer pub.Close()
			got := queryStrings(t, pub.db, "stored_key_order")
			want := [][]string{{"comparisons", "144002", "0"}, {"observations", "144002", "0"}}
			if !slices.EqualFunc(got, want, slices.Equal) {
				t.Errorf("table, rows, rows stored out of key order = %v, want %v", got, want)
			}
			wantNoFreeBlocks(t, pub)
			digests = append(digests, queryText(t, pub.db, "SELECT count(*), sum(hash(c)::HUGEINT) FROM comparisons c")[0][1])
		})
	}
	if len(digests) == 2 && digests[0] != digests[1] {
		t.Errorf("the comparisons' digest is %s kept for WriteRelease and %s written by Build", digests[0], digests[1])
	}
}

// TestBuildReleaseFileBatches checks that Build's batches of comparisons,
// each larger than a row group and ending in one partly filled, leave the
// release file WriteRelease finishes with no free blocks. A checkpoint of
// the file merged the partly filled row groups, freeing the blocks they
// were first written to: before the release's checkpoints stopped merging
// row groups (release_no_vacuum.sql), this test's file had 76 free of 371
// blocks (a publish of 5 million rows 61 of 2,375), and WriteRelease
// refused it.
func TestBuildReleaseFileBatches(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	root, cs, cat := syntheticFixture(t, 250) // 150 councils × 250 providers × 16 rows
	db := openTest(t)
	file := filepath.Join(t.TempDir(), "yardstick.duckdb")
	// Batches of about 150,000 rows: a row group holds 122,880.
	in := BuildInput{DataDir: root, Catalogue: cat, Councils: cs, Compact: true, batchRows: 150_000, Release: file}
	if err := db.Build(ctx, in); err != nil {
		t.Fatal(err)
	}
	if err := db.WriteRelease(ctx, file); err != nil {
		t.Fatal(err)
	}
	// The database's checkpoints merge row groups again once the file is
	// detached, as a new database's do.
	vacuum := "SELECT current_setting('max_vacuum_tasks')::VARCHAR"
	if got, want := queryText(t, db.db, vacuum)[0][0], queryText(t, openTest(t).db, vacuum)[0][0]; got != want {
		t.Errorf("max_vacuum_tasks is %s after WriteRelease, want %s as in a new database", got, want)
	}
	pub, err := Open(ctx, file, Options{ReadOnly: true, Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	if got := queryText(t, pub.db, "SELECT count(*) FROM comparisons")[0][0]; got != "600000" {
		t.Errorf("%s comparisons, want 600000", got)
	}
	wantNoFreeBlocks(t, pub)
}

// wantNoFreeBlocks fails t unless the database pub has every block in
// use: a free block may hold what a table held before it was written anew.
func wantNoFreeBlocks(t *testing.T, pub *DB) {
	t.Helper()
	blocks := queryStrings(t, pub.db, "free_blocks")
	if len(blocks) != 1 || blocks[0][2] != "0" || blocks[0][0] != blocks[0][1] {
		t.Errorf("total, used, free blocks = %v, want no free block", blocks)
	}
}

// TestBuildReleaseGuards checks the promises around BuildInput.Release:
// Build does not write into a file that exists, a Build that fails
// removes the file it made, WriteRelease finishes only the file Build
// wrote the comparisons into and leaves no view of them once it detaches
// the file, and one database builds one release file.
func TestBuildReleaseGuards(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	root, cs, cat := syntheticFixture(t, 2)
	dir := t.TempDir()
	in := func(file string) BuildInput {
		return BuildInput{DataDir: root, Catalogue: cat, Councils: cs, Release: filepath.Join(dir, file)}
	}

	there := in("there.duckdb")
	if err := os.WriteFile(there.Release, []byte("kept"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := openTest(t).Build(ctx, there); err == nil || !strings.Contains(err.Error(), "exists already") {
		t.Errorf("Build into a file that exists: error %v, want one saying it exists", err)
	}
	if b, err := os.ReadFile(there.Release); err != nil || string(b) != "kept" {
		t.Errorf("the file that was there reads %q, %v after the Build, want it as it was", b, err)
	}

	// A cell shown again after suppression fails the disclosure check,
	// the last step, after the comparisons were written into the file.
	// The figures of TestCheckReusesExactTest.
	failed := BuildInput{DataDir: writeDataDir(t, sub{ID: "u1", Council: cA, Received: day("2025-04-10"), Rows: []obs{
		careRow(mFalls, "", 15, 5000), careRow(mFalls, "P1", 3, 2000), careRow(mFalls, "P2", 12, 3000),
		careRow(mOccupancy, "", 5000, 6000), careRow(mOccupancy, "P1", 2000, 2500), careRow(mOccupancy, "P2", 3000, 3500),
	}}),
		Catalogue: disclosureCatalogue(t), Councils: fixtureCouncils(t), Neighbours: 2, Release: filepath.Join(dir, "failed.duckdb"),
		afterSuppress: func(ctx context.Context, conn *sql.Conn) error { return showP2Occupancy(ctx, t, conn) }}
	if err := openTest(t).Build(ctx, failed); !errors.Is(err, ErrDisclosure) {
		t.Errorf("Build with a cell shown after suppression: error %v, want ErrDisclosure", err)
	}
	for _, f := range []string{failed.Release, failed.Release + ".wal"} {
		if _, err := os.Lstat(f); !os.IsNotExist(err) {
			t.Errorf("after a failed Build, Lstat(%s) = %v, want it removed", f, err)
		}
	}

	built := in("built.duckdb")
	db := openTest(t)
	if err := db.Build(ctx, built); err != nil {
		t.Fatal(err)
	}
	if err := db.Build(ctx, in("second.duckdb")); err == nil || !strings.Contains(err.Error(), "build into a new one") {
		t.Errorf("a second Build on the database: error %v, want one saying to build into a new one", err)
	}
	other := filepath.Join(dir, "other.duckdb")
	if err := db.WriteRelease(ctx, other); err == nil || !strings.Contains(err.Error(), built.Release) {
		t.Errorf("WriteRelease to another file: error %v, want one naming %s", err, built.Release)
	}
	if err := db.WriteRelease(ctx, built.Release); err != nil {
		t.Fatal(err)
	}
	if got := queryText(t, db.db, "SELECT count(*) FROM duckdb_views() WHERE view_name = 'comparisons'"); got[0][0] != "0" {
		t.Errorf("after WriteRelease the build's database has %s views named comparisons, want the view of the detached file gone", got[0][0])
	}
	pub, err := Open(ctx, built.Release, Options{ReadOnly: true, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	if got := len(queryStrings(t, pub.db, "table_names")); got != len(Tables) {
		t.Errorf("the finished file holds %d tables, want %d", got, len(Tables))
	}
}

// TestStoredOrderIsExported checks what the release files' row order
// rests on: a table WriteRelease copies with ORDER BY, after
// keep_insertion_order, is stored sorted, and a database opened with
// KeepOrder exports it in that order, across several row groups and both
// threads.
func TestStoredOrderIsExported(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	file := filepath.Join(dir, "sorted.duckdb")
	func() {
		db := openTest(t)
		s, err := db.session(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer s.close()
		if _, err := s.conn.ExecContext(ctx, testSQL(t, "shuffled_observations")); err != nil {
			t.Fatal(err)
		}
		if err := s.exec(ctx, "keep_insertion_order"); err != nil {
			t.Fatal(err)
		}
		if err := s.attachRelease(ctx, file, false); err != nil {
			t.Fatal(err)
		}
		if _, err := s.conn.ExecContext(ctx, testSQL(t, "copy_sorted")); err != nil {
			t.Fatal(err)
		}
		if err := s.exec(ctx, "detach_release"); err != nil {
			t.Fatal(err)
		}
	}()
	pub, err := Open(ctx, file, Options{ReadOnly: true, KeepOrder: true, Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	// Gzipped, as a release's observations are: compressing keeps the
	// order DuckDB wrote.
	out := filepath.Join(dir, "observations.csv.gz")
	if err := pub.ExportCSV(ctx, "observations", out); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")[1:]
	if len(lines) != 300000 {
		t.Fatalf("%d rows exported, want 300000", len(lines))
	}
	// metric, period, council_code, provider_id and service, from the
	// registry's order of columns (no cell holds a comma).
	key := func(l string) []string {
		f := strings.Split(l, ",")
		return []string{f[5], f[6], f[0], f[1], f[4]}
	}
	for i := 1; i < len(lines); i++ {
		if slices.Compare(key(lines[i-1]), key(lines[i])) > 0 {
			t.Fatalf("row %d %q comes after %q: not in key order", i+1, lines[i], lines[i-1])
		}
	}

	// The Parquet file is in the same order, in row groups of at most
	// 16,384 rows (at least 18 of them; DuckDB's default of 122,880 would
	// make 3), so a filter on one metric and period reads few of them:
	// each of the 28 metric and period pairs holds 10,714 or 10,715 rows,
	// which span at most two row groups, and at most two more match by
	// their min/max statistics alone, those holding the end of one metric
	// and the start of the next, whose period range covers every period.
	pq := filepath.Join(dir, "observations.parquet")
	if err := pub.ExportParquet(ctx, "observations", pq); err != nil {
		t.Fatal(err)
	}
	rows, err := pub.db.QueryContext(ctx, testSQL(t, "row_group_ranges"), sql.Named("path", pq))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	type group struct{ metricMin, metricMax, periodMin, periodMax string }
	var groups []group
	total := int64(0)
	for rows.Next() {
		var id, n int64
		var g group
		if err := rows.Scan(&id, &n, &g.metricMin, &g.metricMax, &g.periodMin, &g.periodMax); err != nil {
			t.Fatal(err)
		}
		if n > 16384 {
			t.Errorf("row group %d has %d rows, want at most 16,384", id, n)
		}
		total += n
		groups = append(groups, g)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if total != 300000 || len(groups) < 300000/16384 {
		t.Fatalf("Parquet file: %d rows in %d row groups, want 300,000 in at least %d", total, len(groups), 300000/16384)
	}
	for m := range 7 {
		for q := 1; q <= 4; q++ {
			metric, period := fmt.Sprintf("m%d", m), fmt.Sprintf("2024-25-Q%d", q)
			read := 0
			for _, g := range groups {
				if g.metricMin <= metric && metric <= g.metricMax && g.periodMin <= period && period <= g.periodMax {
					read++
				}
			}
			if read > 4 {
				t.Errorf("a filter on %s and %s reads %d of %d row groups, want at most 4", metric, period, read, len(groups))
			}
		}
	}
}
