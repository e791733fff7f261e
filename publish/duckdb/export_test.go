package duckdb

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

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

	csv := filepath.Join(dir, "data", "comparisons.csv")
	if err := db.ExportCSV(ctx, "comparisons", csv); err != nil {
		t.Fatal(err)
	}
	rows := readBack(t, db, "read_csv", csv)
	if len(rows) != len(want) {
		t.Fatalf("CSV has %d rows, want %d", len(rows), len(want))
	}
	check(t, "suppressed row in CSV", pick(t, rows, row{"metric": "hc-visits-on-time", "council_code": cD, "provider_id": "P5"}),
		row{"status": "[c]", "value": nil})
	check(t, "plain row in CSV", pick(t, rows, row{"metric": "hc-visits-on-time", "period": "2024-25-Q1", "council_code": cA, "provider_id": "P1"}),
		row{"status": nil, "value": "80.0"})

	// Every table exports; nothing but the finished files is left behind.
	for _, table := range Tables {
		if err := db.ExportCSV(ctx, table, filepath.Join(dir, "all", table+".csv")); err != nil {
			t.Errorf("ExportCSV(%s): %v", table, err)
		}
	}
	entries, err := os.ReadDir(filepath.Join(dir, "all"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	var wantNames []string
	for _, table := range Tables {
		wantNames = append(wantNames, table+".csv")
	}
	slices.Sort(wantNames)
	if !reflect.DeepEqual(names, wantNames) {
		t.Errorf("files = %v, want %v", names, wantNames)
	}

	if err := db.ExportParquet(ctx, "comparisons; DROP TABLE comparisons", filepath.Join(dir, "x.parquet")); !errors.Is(err, ErrUnknownTable) {
		t.Errorf("export of an unlisted table: %v, want ErrUnknownTable", err)
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
