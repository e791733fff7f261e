package main

import (
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/yardstick-open/yardstick/schemas"
)

// TestWarehouseMatchesRegistry pins the registry of public tables to what
// ingest writes: every warehouse Parquet file, read by DuckDB, has the
// columns of the public observations table with the same types, in the
// same order. A column added to the warehouse and not to the registry, or
// the other way round, fails here; publish's tests pin the registry to the
// built tables.
func TestWarehouseMatchesRegistry(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	returns := filepath.Join(dir, "returns")
	if code, _, stderr := runCmd(t, "sample", "--rows", "300", "--seed", "5", returns); code != exitOK {
		t.Fatalf("sample exit %d: %s", code, stderr)
	}
	files, _ := filepath.Glob(filepath.Join(returns, "*.csv"))
	data := filepath.Join(dir, "data")
	if code, stdout, stderr := runCmd(t, append([]string{"ingest", "--data", data}, files[:3]...)...); code != exitOK {
		t.Fatalf("ingest exit %d\n%s\n%s", code, stdout, stderr)
	}
	parquet, _ := filepath.Glob(filepath.Join(data, "warehouse", "observations", "period=*", "*.parquet"))
	if len(parquet) == 0 {
		t.Fatal("no warehouse files")
	}
	query, err := os.ReadFile(filepath.Join("testdata", "registry", "describe_parquet.sql"))
	if err != nil {
		t.Fatal(err)
	}
	// The driver is registered by publish/duckdb, which this package
	// imports through publish.
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	table, _ := schemas.PublicTable("observations")
	for _, file := range parquet {
		rows, err := db.Query(string(query), sql.Named("path", file))
		if err != nil {
			t.Fatal(err)
		}
		var got [][2]string
		for rows.Next() {
			var c [2]string
			if err := rows.Scan(&c[0], &c[1]); err != nil {
				t.Fatal(err)
			}
			got = append(got, c)
		}
		rows.Close()
		if len(got) != len(table.Columns) {
			t.Errorf("%s: %d columns %v; the registry's observations has %d", file, len(got), got, len(table.Columns))
			continue
		}
		for i, c := range table.Columns {
			want := c.Type.SQLType()
			if c.Type == schemas.TypeDatetime {
				// Parquet marks an instant adjusted to UTC, which DuckDB
				// reads as WITH TIME ZONE; the release stores it as a
				// TIMESTAMP in UTC.
				want = "TIMESTAMP WITH TIME ZONE"
			}
			if got[i] != [2]string{c.Name, want} {
				t.Errorf("%s: column %d is %s %s; the registry says %s %s", filepath.Base(file), i+1, got[i][0], got[i][1], c.Name, want)
			}
		}
	}
}
