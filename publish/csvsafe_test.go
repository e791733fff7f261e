package publish

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/schemas"
)

// TestCSVDownloadsAreSpreadsheetSafe publishes text a spreadsheet would run
// as a formula (as provider ids, names, sectors and notes, in each of the
// forms OWASP lists) and checks that every CSV download writes it with a
// leading apostrophe, as does every table.csv of the website, while the
// Parquet file keeps it as received. It then scans every cell of every CSV
// file of the release: a cell that starts like a formula must be a number.
func TestCSVDownloadsAreSpreadsheetSafe(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	root := t.TempDir()
	hostile := []string{`=HYPERLINK("http://x","y")`, "+cmd|' /C calc'!A0", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1"}
	var rows []obs
	for i, h := range hostile {
		o := homecare(trafford, h, int64(40+i), 100)
		o.Name, o.Sector, o.Note = h, h, h
		rows = append(rows, o)
	}
	addSubmissions(t, root, sub{ID: "20250101T000000Z-safe", Council: trafford,
		Received: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), Rows: rows})
	rel, err := newBuilder(root, t0).Publish(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, h := range hostile {
		want["'"+h] = true
	}
	for _, file := range []struct {
		name    string
		columns []string
	}{
		{"data/observations.csv.gz", []string{"provider_id", "provider_name", "provider_sector", "note"}},
		{"data/providers.csv", []string{"provider_id", "provider_name", "sector"}},
	} {
		records := readCSV(t, filepath.Join(rel.Dir, file.name))
		for _, col := range file.columns {
			found := 0
			for _, rec := range records {
				if want[rec[col]] {
					found++
				}
			}
			if found != len(hostile) {
				t.Errorf("%s: %s holds %d of the %d formula texts with an apostrophe", file.name, col, found, len(hostile))
			}
		}
	}
	// Every CSV cell that starts like a formula is a number.
	for _, tb := range schemas.PublicTables {
		if tb.CSV == "" {
			continue
		}
		for n, rec := range readCSV(t, filepath.Join(rel.Dir, tb.CSV)) {
			for col, cell := range rec {
				if cell != schemas.SpreadsheetSafe(cell) && !isNumber(cell) {
					t.Errorf("%s line %d, %s: %q would run as a formula", tb.CSV, n+2, col, cell)
				}
			}
		}
	}
	// The website's table.csv files, which give the comparisons as CSV a
	// table at a time (the release has no comparisons.csv.gz): the
	// provider's id and name with the apostrophe, every other cell that
	// starts like a formula a number.
	tables, found := 0, map[string]map[string]bool{"provider_id": {}, "provider_name": {}}
	err = filepath.WalkDir(rel.Dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.Name() != "table.csv" {
			return err
		}
		tables++
		name, _ := filepath.Rel(rel.Dir, path)
		for n, rec := range readCSV(t, path) {
			for col, cell := range rec {
				if cell != schemas.SpreadsheetSafe(cell) && !isNumber(cell) {
					t.Errorf("%s line %d, %s: %q would run as a formula", name, n+2, col, cell)
				}
				if want[cell] && found[col] != nil {
					found[col][cell] = true
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for col, cells := range found {
		if tables == 0 || len(cells) != len(hostile) {
			t.Errorf("the site's %d table.csv files hold %d of the %d formula texts with an apostrophe in %s", tables, len(cells), len(hostile), col)
		}
	}
	// Parquet keeps the text as received.
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var got int
	err = db.QueryRowContext(ctx, testSQL(t, "parquet_count_names"), filepath.Join(rel.Dir, "data", "observations.parquet"), hostile).Scan(&got)
	if err != nil {
		t.Fatal(err)
	}
	if got != len(hostile) {
		t.Errorf("observations.parquet holds %d of the %d names as received", got, len(hostile))
	}
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}
