package publish

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/schemas"
)

// TestReleaseKeepsHiddenFiguresHidden builds a release with small counts
// that disclosure control must hide, with distinctive counts and notes, a
// manifest with a file hash and a submitter, and proves that nothing of
// them is anywhere in the release: not in the bytes of any text file, not
// in any column of any table of yardstick.duckdb, and not in freed blocks
// of it, since it has none.
func TestReleaseKeepsHiddenFiguresHidden(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	root := t.TempDir()
	const (
		metric    = "cyp-unplanned-endings" // a small_counts proportion
		hash      = "5eb63bbbe01eeed093cb22bb8f5acdc3c1f4ffc9a0d4b0c2f1e5c4b3a2918170"
		submitter = "cli:officer-who-must-not-be-named"
	)
	row := func(provider string, num, den int64, note string) obs {
		return obs{Provider: provider, Name: "Home " + provider, Sector: "voluntary", Service: "childrens-home",
			Metric: metric, Period: q1, Num: i64(num), Den: i64(den), Value: pct(num, den), Note: note}
	}
	// SC100001 is a primary cell (3 events); the council-wide total then
	// gives it back by subtraction unless a second provider is hidden too.
	rows := []obs{
		row("SC100001", 3, 7919, "HIDDEN-PRIMARY-NOTE"),
		row("SC100002", 611, 6151, "SECOND-PROVIDER-NOTE"),
		row("SC100003", 907, 8887, "THIRD-PROVIDER-NOTE"),
		row("", 1521, 22957, "COUNCIL-TOTAL-NOTE"),
	}
	addSubmissions(t, root, sub{ID: "20250101T000000Z-leak", Council: trafford,
		Received: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), Rows: rows, SHA256: hash, Submitter: submitter})
	rel, err := newBuilder(root, t0).Publish(ctx)
	if err != nil {
		t.Fatal(err)
	}

	// Which cells the release hid, from its own observations.
	hidden := map[string]bool{}
	for _, r := range readCSV(t, filepath.Join(rel.Dir, filepath.FromSlash(schemas.ObservationsCSV))) {
		if r["status"] == "[c]" {
			hidden[r["provider_id"]] = true
		}
	}
	if !hidden["SC100001"] || len(hidden) < 2 {
		t.Fatalf("hidden cells %v: want SC100001 and at least one more, or the test proves nothing", hidden)
	}
	// What must appear nowhere: every hidden cell's note, the raw file's
	// hash and the submitter, as text anywhere; and every hidden cell's
	// value, denominator and (where distinctive) numerator, as a whole
	// cell or JSON number.
	texts := []string{hash, submitter}
	var numbers []string
	for _, r := range rows {
		if !hidden[r.Provider] {
			continue
		}
		texts = append(texts, r.Note)
		numbers = append(numbers, strconv.FormatInt(*r.Den, 10), strconv.FormatFloat(*r.Value, 'g', -1, 64))
		if *r.Num > 100 { // 3 is a rank or a line number as often as a count
			numbers = append(numbers, strconv.FormatInt(*r.Num, 10))
		}
	}
	t.Logf("hidden %v; looking for %q and cells %q", hidden, texts, numbers)
	isSecret := func(cell string) bool { return slices.Contains(numbers, cell) }

	for _, name := range listFiles(t, rel.Dir) {
		if strings.HasSuffix(name, ".parquet") || name == schemas.DatabaseFile {
			continue // binary: read through DuckDB below
		}
		b, err := os.ReadFile(filepath.Join(rel.Dir, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range texts {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s contains %q", name, s)
			}
		}
		switch {
		case strings.HasSuffix(name, ".csv"):
			recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			for _, rec := range recs {
				for _, cell := range rec {
					if isSecret(cell) {
						t.Errorf("%s has a cell %q: %v", name, cell, rec)
					}
				}
			}
		case strings.HasSuffix(name, ".json"):
			var v any
			dec := json.NewDecoder(bytes.NewReader(b))
			dec.UseNumber()
			if err := dec.Decode(&v); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			walkJSON(v, func(s string) {
				if isSecret(s) {
					t.Errorf("%s holds %s", name, s)
				}
			})
		}
	}

	// yardstick.duckdb: no free blocks, and no secret in any column of
	// any table.
	db, err := sql.Open("duckdb", filepath.Join(rel.Dir, schemas.DatabaseFile)+"?access_mode=READ_ONLY")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var total, used, free int64
	if err := db.QueryRow(testSQL(t, "database_size")).Scan(&total, &used, &free); err != nil {
		t.Fatal(err)
	}
	if free != 0 || used != total {
		t.Errorf("yardstick.duckdb has %d free of %d blocks, want none", free, total)
	}
	cells := 0
	for _, table := range schemas.PublicTables {
		cells += scanTable(t, db, "table_text", table.Name, texts, isSecret)
	}
	for _, pq := range []string{schemas.ObservationsParquet, schemas.ComparisonsParquet} {
		cells += scanTable(t, db, "parquet_text", filepath.Join(rel.Dir, filepath.FromSlash(pq)), texts, isSecret)
	}
	if cells == 0 {
		t.Fatal("read no cells: the scan proves nothing")
	}
}

// walkJSON calls fn with every string and number in v, as text.
func walkJSON(v any, fn func(string)) {
	switch v := v.(type) {
	case map[string]any:
		for _, e := range v {
			walkJSON(e, fn)
		}
	case []any:
		for _, e := range v {
			walkJSON(e, fn)
		}
	case json.Number:
		fn(v.String())
	case string:
		fn(v)
	}
}

// scanTable reads every cell of a table (or a Parquet file) as text and
// reports those holding a secret text or equal to a secret cell. It
// returns how many cells it read.
func scanTable(t *testing.T, db *sql.DB, query, table string, texts []string, isSecret func(string) bool) int {
	t.Helper()
	rows, err := db.Query(testSQL(t, query), sql.Named("table", table))
	if err != nil {
		t.Fatalf("%s: %v", table, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	n := 0
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			n++
			if v.Valid && isSecret(v.String) {
				t.Errorf("%s.%s is %s", filepath.Base(table), cols[i], v.String)
			}
			for _, s := range texts {
				if v.Valid && strings.Contains(v.String, s) {
					t.Errorf("%s.%s holds %q: %q", filepath.Base(table), cols[i], s, v.String)
				}
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}
