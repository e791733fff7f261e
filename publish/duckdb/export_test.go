package duckdb

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/schemas"
	"github.com/yardstick-open/yardstick/schemas/config"
)

func readBack(t *testing.T, db *DB, query, path string) []row {
	t.Helper()
	rows, err := db.db.QueryContext(context.Background(), testSQL(t, query), sql.Named("path", path))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []row
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		r := row{}
		for i, c := range cols {
			r[c] = vals[i]
		}
		out = append(out, r)
	}
	return out
}

func TestExport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := buildFixture(t)
	dir := t.TempDir()
	want := tableRows(t, db, "comparisons")

	pq := filepath.Join(dir, "data", "comparisons.parquet")
	if err := db.ExportParquet(ctx, "comparisons", pq); err != nil {
		t.Fatal(err)
	}
	// The scratch database keeps no insertion order, so the rows are
	// compared sorted, as tableRows sorts them.
	got := readBack(t, db, "read_parquet_sorted", pq)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Parquet round trip differs:\n got %v\nwant %v", got, want)
	}

	csv := filepath.Join(dir, "data", "observations.csv")
	if err := db.ExportCSV(ctx, "observations", csv); err != nil {
		t.Fatal(err)
	}
	rows := readBack(t, db, "read_csv", csv)
	if n := len(tableRows(t, db, "observations")); len(rows) != n || n == 0 {
		t.Fatalf("CSV has %d rows, want the table's %d", len(rows), n)
	}
	check(t, "suppressed row in CSV", pick(t, rows, row{"metric": "hc-visits-on-time", "council_code": cD, "provider_id": "P5"}),
		row{"status": "[c]", "value": nil})
	check(t, "plain row in CSV", pick(t, rows, row{"metric": "hc-visits-on-time", "period": "2024-25-Q1", "council_code": cA, "provider_id": "P1"}),
		row{"status": nil, "numerator": "80", "denominator": "100", "value": nil})

	// Every table exports but those published as Parquet only, which
	// have no CSV form; nothing but the finished files is left behind.
	var wantNames []string
	for _, table := range Tables {
		err := db.ExportCSV(ctx, table, filepath.Join(dir, "all", table+".csv"))
		if tab, _ := schemas.PublicTable(table); tab.ParquetOnly != "" {
			if !errors.Is(err, ErrParquetOnly) {
				t.Errorf("ExportCSV(%s): %v, want ErrParquetOnly", table, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ExportCSV(%s): %v", table, err)
		}
		wantNames = append(wantNames, table+".csv")
	}
	entries, err := os.ReadDir(filepath.Join(dir, "all"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	slices.Sort(wantNames)
	if !reflect.DeepEqual(names, wantNames) {
		t.Errorf("files = %v, want %v", names, wantNames)
	}

	if err := db.ExportParquet(ctx, "comparisons; DROP TABLE comparisons", filepath.Join(dir, "x.parquet")); !errors.Is(err, ErrUnknownTable) {
		t.Errorf("export of an unlisted table: %v, want ErrUnknownTable", err)
	}
}

// varcharRows runs query with path bound and returns its column names and
// its rows with every value as text, NULL as "".
func varcharRows(t *testing.T, db *DB, query, path string) ([]string, [][]string) {
	t.Helper()
	rows, err := db.db.QueryContext(context.Background(), query, sql.Named("path", path))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		r := make([]string, len(cols))
		for i, v := range vals {
			r[i] = v.String
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return cols, out
}

// TestExportGzip exports each table that has a Parquet file both ways, as
// a release does (the Parquet-only tables one way), and reads both back
// through DuckDB: the .csv.gz file is
// one gzip stream holding the table's header and rows, the Parquet file's
// rows cell for cell, with the marker bracketed and timestamps in ISO
// 8601 UTC; no temporary file is left beside them.
func TestExportGzip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := buildFixture(t)
	dir := t.TempDir()
	var want []string
	for _, tab := range schemas.PublicTables {
		if tab.Parquet == "" {
			continue
		}
		if tab.CSV == "" && tab.ParquetOnly != "" {
			// Published as Parquet only: the file has the registry's
			// columns and the table's rows.
			t.Run(tab.Name, func(t *testing.T) {
				pq := filepath.Join(dir, filepath.FromSlash(tab.Parquet))
				if err := db.ExportParquet(ctx, tab.Name, pq); err != nil {
					t.Fatal(err)
				}
				cols, _ := varcharRows(t, db, "SELECT * FROM read_parquet($path) LIMIT 0", pq)
				if !slices.Equal(cols, tab.ColumnNames()) {
					t.Errorf("columns %v, want the registry's %v", cols, tab.ColumnNames())
				}
				// Cell for cell, sorted: the scratch database keeps no
				// insertion order.
				got, want := readBack(t, db, "read_parquet_sorted", pq), tableRows(t, db, tab.Name)
				if len(want) == 0 || !reflect.DeepEqual(got, want) {
					t.Errorf("Parquet round trip: %d rows, want the table's %d, the same", len(got), len(want))
				}
			})
			want = append(want, filepath.Base(tab.Parquet))
			continue
		}
		if !strings.HasSuffix(tab.CSV, ".csv.gz") || tab.ParquetOnly != "" {
			t.Errorf("%s: CSV file %q, ParquetOnly %q; want a .csv.gz beside its Parquet file, or none and a word on where its rows are as CSV",
				tab.Name, tab.CSV, tab.ParquetOnly)
			continue
		}
		t.Run(tab.Name, func(t *testing.T) {
			pq, gz := filepath.Join(dir, filepath.FromSlash(tab.Parquet)), filepath.Join(dir, filepath.FromSlash(tab.CSV))
			if err := db.ExportParquet(ctx, tab.Name, pq); err != nil {
				t.Fatal(err)
			}
			if err := db.ExportCSV(ctx, tab.Name, gz); err != nil {
				t.Fatal(err)
			}
			// A gzip reader other than DuckDB's: one member, named for
			// the file it holds, with no time in it (the same table
			// compresses to the same bytes).
			f, err := os.Open(gz)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			// gzip would wrap f in a buffer of its own that reads past the
			// first member; given one, it reads from it as it is, so what
			// is left after the member stays in br.
			br := bufio.NewReader(f)
			zr, err := gzip.NewReader(br)
			if err != nil {
				t.Fatalf("%s is not gzip: %v", tab.CSV, err)
			}
			zr.Multistream(false)
			text, err := io.ReadAll(zr)
			if err != nil {
				t.Fatal(err)
			}
			if wantName := strings.TrimSuffix(filepath.Base(tab.CSV), ".gz"); zr.Name != wantName || !zr.ModTime.IsZero() {
				t.Errorf("gzip header names %q at %v, want %q and no time", zr.Name, zr.ModTime, wantName)
			}
			if rest, _ := io.ReadAll(br); len(rest) != 0 {
				t.Errorf("%d bytes after the first gzip member", len(rest))
			}
			if !bytes.HasPrefix(text, []byte(strings.Join(tab.ColumnNames(), ",")+"\n")) {
				t.Errorf("%s starts %.200q, want the header %v", tab.CSV, text, tab.ColumnNames())
			}

			csvCols, csvRows := varcharRows(t, db, "SELECT * FROM read_csv($path, header = true, all_varchar = true)", gz)
			pqCols, pqRows := varcharRows(t, db, "SELECT COLUMNS(*)::VARCHAR FROM read_parquet($path)", pq)
			if !slices.Equal(csvCols, tab.ColumnNames()) || !slices.Equal(pqCols, csvCols) {
				t.Fatalf("columns: CSV %v, Parquet %v, registry %v", csvCols, pqCols, tab.ColumnNames())
			}
			if len(csvRows) == 0 || len(csvRows) != len(pqRows) {
				t.Fatalf("%d rows in CSV, %d in Parquet, want the same and some", len(csvRows), len(pqRows))
			}
			// What the CSV form changes, worked out from the Parquet cell.
			for _, r := range pqRows {
				for i, c := range pqCols {
					switch {
					case c == "status" && r[i] != "":
						r[i] = "[" + r[i] + "]"
					case c == "received_at" && r[i] != "":
						tm, err := time.Parse("2006-01-02 15:04:05.999999", r[i])
						if err != nil {
							t.Fatalf("received_at %q: %v", r[i], err)
						}
						r[i] = tm.Format("2006-01-02T15:04:05.000000Z")
					}
				}
			}
			// The scratch database keeps no insertion order: compare
			// sorted.
			byText := func(a, b []string) int { return slices.Compare(a, b) }
			slices.SortFunc(csvRows, byText)
			slices.SortFunc(pqRows, byText)
			for i := range csvRows {
				if !slices.Equal(csvRows[i], pqRows[i]) {
					t.Errorf("row %d:\n CSV     %q\n Parquet %q", i, csvRows[i], pqRows[i])
				}
			}
		})
		want = append(want, filepath.Base(tab.CSV), filepath.Base(tab.Parquet))
	}
	entries, err := os.ReadDir(filepath.Join(dir, "data"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("data folder holds %v, want %v and nothing else", names, want)
	}
}

// TestExportGzipWhileWritten exports a table of many megabytes from a
// release-like database (read-only, stored order kept), so the
// compression reads the plain CSV while DuckDB is still writing it, and
// checks what it made: the text decompressed is the plain export's, byte
// for byte, and every row worked out in Go from the row's number, in
// stored order (the spreadsheet-safe apostrophe and bracketed marker of
// export_csv_observations.sql included); the gzip file's bytes are those
// that compressing the finished plain file in one go gives, so reading
// it as it grows changes nothing in the container either; and DuckDB
// reads the gzip file back to the table's rows. A compression that
// stopped at the end of what was written so far, or read a file DuckDB
// then replaced, would miss rows here.
func TestExportGzipWhileWritten(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const n = 300_000
	file := filepath.Join(t.TempDir(), "release.duckdb")
	w, err := Open(ctx, file, Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	// The columns export_csv_observations.sql rewrites, and a number.
	_, err = w.db.ExecContext(ctx, `CREATE TABLE observations AS
		SELECT i AS row_number,
			CASE WHEN i % 7 = 0 THEN '=SUM(A' || i || ')' ELSE 'P' || i END AS provider_id,
			'Provider ' || i || ' Ltd' AS provider_name, 'private' AS provider_sector, 'n' AS note,
			CASE WHEN i % 11 = 0 THEN 'c' ELSE '' END AS status,
			i * 3 AS numerator
		FROM range(1, $n + 1) r(i) ORDER BY i`, sql.Named("n", n))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := Open(ctx, file, Options{Threads: 2, ReadOnly: true, KeepOrder: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	dir := t.TempDir()
	gz, plain := filepath.Join(dir, "observations.csv.gz"), filepath.Join(dir, "observations.csv")
	if err := db.ExportCSV(ctx, "observations", gz); err != nil {
		t.Fatal(err)
	}
	if err := db.ExportCSV(ctx, "observations", plain); err != nil {
		t.Fatal(err)
	}
	zipped, err := os.ReadFile(gz)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(plain)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(zipped))
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("decompressed %d bytes, want the plain export's %d, the same", len(got), len(want))
	}
	if len(want) < 8<<20 {
		t.Fatalf("the plain CSV is %d bytes: too small to be read while DuckDB writes it", len(want))
	}

	lines := strings.Split(strings.TrimSuffix(string(got), "\n"), "\n")
	if h := "row_number,provider_id,provider_name,provider_sector,note,status,numerator"; lines[0] != h {
		t.Errorf("header %q, want %q", lines[0], h)
	}
	if len(lines) != n+1 {
		t.Fatalf("%d rows, want %d", len(lines)-1, n)
	}
	for i := 1; i <= n; i++ {
		id, status := fmt.Sprintf("P%d", i), `""`
		if i%7 == 0 {
			id = fmt.Sprintf("'=SUM(A%d)", i)
		}
		if i%11 == 0 {
			status = "[c]"
		}
		if w := fmt.Sprintf("%d,%s,Provider %d Ltd,private,n,%s,%d", i, id, i, status, 3*i); lines[i] != w {
			t.Fatalf("row %d: got %q, want %q", i, lines[i], w)
		}
	}

	var once bytes.Buffer
	zw, err := newGzip(&once, "observations.csv")
	if err != nil {
		t.Fatal(err)
	}
	zw.Write(want)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(zipped, once.Bytes()) {
		t.Errorf("gzip file: %d bytes, want the %d bytes of the plain file compressed in one go", len(zipped), once.Len())
	}

	var rows, sum, withheld int64
	err = db.db.QueryRowContext(ctx, `SELECT count(*), sum(numerator), count(*) FILTER (status = '[c]')
		FROM read_csv($path, header = true)`, sql.Named("path", gz)).Scan(&rows, &sum, &withheld)
	if err != nil {
		t.Fatal(err)
	}
	if wantSum := int64(3) * n * (n + 1) / 2; rows != n || sum != wantSum || withheld != n/11 {
		t.Errorf("DuckDB reads back %d rows, numerators summing to %d, %d withheld; want %d, %d, %d",
			rows, sum, withheld, n, wantSum, n/11)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("left in the folder: %v, want the two exports alone", entries)
	}
}

// TestExportGzipFails: a gzipped export that cannot finish (a table not
// in the list, a cancelled context) leaves neither the file nor a
// temporary one.
func TestExportGzipFails(t *testing.T) {
	t.Parallel()
	db := buildFixture(t)
	dir := t.TempDir()
	if err := db.ExportCSV(t.Context(), "comparisons; DROP TABLE comparisons", filepath.Join(dir, "x.csv.gz")); !errors.Is(err, ErrUnknownTable) {
		t.Errorf("export of an unlisted table: %v, want ErrUnknownTable", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := db.ExportCSV(ctx, "observations", filepath.Join(dir, "observations.csv.gz")); !errors.Is(err, context.Canceled) {
		t.Errorf("export with a cancelled context: %v, want context.Canceled", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
}

// TestBuildEmpty: a data folder with no submissions builds every table,
// empty where there is no data, with the same columns.
func TestBuildEmpty(t *testing.T) {
	t.Parallel()
	cat, err := config.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	db := openTest(t)
	if err := db.Build(context.Background(), BuildInput{DataDir: t.TempDir(), Catalogue: cat, Councils: fixtureCouncils(t)}); err != nil {
		t.Fatal(err)
	}
	for _, table := range Tables {
		if len(tableColumns(t, db, table)) == 0 {
			t.Errorf("table %s missing", table)
		}
	}
	if n := len(tableRows(t, db, "comparisons")); n != 0 {
		t.Errorf("comparisons has %d rows, want 0", n)
	}
	if n := len(tableRows(t, db, "metrics")); n != len(cat.Metrics) {
		t.Errorf("metrics has %d rows, want %d", n, len(cat.Metrics))
	}
}

// TestExportParquetChecksColumns: a Parquet file whose columns are not the
// registry's (here a comparisons table of the wrong shape) is not given
// its name, and nothing is left behind: datapackage.json describes the
// Parquet-only tables from the registry.
func TestExportParquetChecksColumns(t *testing.T) {
	t.Parallel()
	db := openTest(t)
	if _, err := db.db.ExecContext(t.Context(), "CREATE TABLE comparisons AS SELECT 'm' AS metric, 1 AS x"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	err := db.ExportParquet(t.Context(), "comparisons", filepath.Join(dir, "comparisons.parquet"))
	if err == nil || !strings.Contains(err.Error(), "[metric x]") || !strings.Contains(err.Error(), "registry") {
		t.Errorf("export of a table of the wrong shape: %v, want an error naming its columns and the registry", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
}
