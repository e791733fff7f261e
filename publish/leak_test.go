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

	"github.com/yardstick-open/yardstick/publish/publishtest"
	"github.com/yardstick-open/yardstick/schemas"
)

// TestReleaseKeepsHiddenFiguresHidden builds two releases with small
// counts that disclosure control must hide, with distinctive counts and
// notes, a cell the council withheld itself with its counts, and a
// manifest with a file hash and a submitter, and proves that nothing of
// them is anywhere in either release: not in the bytes of any text file,
// not in any column of any table of yardstick.duckdb or any Parquet file,
// and not in freed blocks of the database, since it has none. The second
// release revises and withholds figures, so its changes table is read
// too.
func TestReleaseKeepsHiddenFiguresHidden(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	root := t.TempDir()
	const (
		metric    = "cyp-unplanned-endings" // a small_counts proportion
		hash      = "5eb63bbbe01eeed093cb22bb8f5acdc3c1f4ffc9a0d4b0c2f1e5c4b3a2918170"
		submitter = "cli:officer-who-must-not-be-named"
	)
	row := func(provider, period string, num, den int64, note string) obs {
		return obs{Provider: provider, Name: "Home " + provider, Sector: "voluntary", Service: "childrens-home",
			Metric: metric, Period: period, Num: i64(num), Den: i64(den), Value: pct(num, den), Note: note}
	}
	// The council withheld SC100004 itself, giving its counts beside the
	// marker; its note explains the marker and is published.
	withheld := row("SC100004", "2024-25-Q2", 777, 9973, "Withheld by the council")
	withheld.Status = "c"
	// SC100001 is a primary cell (3 events); the council-wide total then
	// gives it back by subtraction unless a second provider is hidden too.
	// SC100005's Q2, linked to nothing, is revised and stays shown, so the
	// second release has a revision whatever the other cells become.
	first := []obs{
		row("SC100001", q1, 3, 7919, "HIDDEN-PRIMARY-NOTE"),
		row("SC100002", q1, 611, 6151, "SECOND-PROVIDER-NOTE"),
		row("SC100003", q1, 907, 8887, "THIRD-PROVIDER-NOTE"),
		row("", q1, 1521, 22957, "COUNCIL-TOTAL-NOTE"),
		row("SC100005", "2024-25-Q2", 505, 5055, "REVISED-LATER"),
		withheld,
	}
	addSubmissions(t, root, sub{ID: "20250101T000000Z-leak", Council: trafford,
		Received: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), Rows: first, SHA256: hash, Submitter: submitter})
	b := newBuilder(root, t0, t1)
	rel, err := b.Publish(ctx)
	if err != nil {
		t.Fatal(err)
	}
	checkNothingHidden(t, rel.Dir, first, hash, submitter)

	// A correction: SC100003, shown in the first release, falls to 2
	// events and is hidden itself; the total changes with it. Set against
	// the first release's total less SC100003 (the hidden pair's 614),
	// the new total would give SC100003's 2 back, so it is hidden too.
	second := []obs{
		first[0],
		first[1],
		row("SC100003", q1, 2, 8890, "NEW-HIDDEN-NOTE"),
		row("", q1, 616, 22960, "COUNCIL-TOTAL-NOTE"),
		row("SC100005", "2024-25-Q2", 510, 5055, "REVISED-LATER"),
		withheld,
	}
	addSubmissions(t, root, sub{ID: "20250201T000000Z-leak", Council: trafford,
		Received: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC), Rows: second, SHA256: hash, Submitter: submitter})
	rel, err = b.Publish(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rel.Counts.Revised == 0 || rel.Counts.NowHidden == 0 {
		t.Fatalf("second release counts %+v: want revisions and a newly withheld figure, or the changes table is not tested", rel.Counts)
	}
	total := find(readCSV(t, filepath.Join(rel.Dir, filepath.FromSlash(schemas.ObservationsCSV))),
		map[string]string{"provider_id": "", "period": q1, "metric": metric})
	if total == nil || total["status"] != "[c]" {
		t.Errorf("second release's council-wide %s: %v, want it withheld", q1, total)
	}
	checkNothingHidden(t, rel.Dir, second, hash, submitter)
}

// checkNothingHidden checks that the release in dir holds nothing of the
// cells of rows it hides (their value, denominator and distinctive
// numerator as a whole cell anywhere, and the note of a cell disclosure
// control hid), nor the hash or the submitter as text anywhere.
func checkNothingHidden(t *testing.T, dir string, rows []obs, hash, submitter string) {
	t.Helper()
	hidden := map[string]bool{}
	for _, r := range readCSV(t, filepath.Join(dir, filepath.FromSlash(schemas.ObservationsCSV))) {
		if r["status"] == "[c]" {
			hidden[r["provider_id"]+" "+r["period"]] = true
		}
	}
	if !hidden["SC100001 "+q1] || len(hidden) < 3 {
		t.Fatalf("hidden cells %v: want SC100001, the council's own and at least one more, or the test proves nothing", hidden)
	}
	texts := []string{hash, submitter}
	var numbers []string
	for _, r := range rows {
		if !hidden[r.Provider+" "+r.Period] {
			continue
		}
		if r.Status != "c" { // a council's own note on its own marker is published
			texts = append(texts, r.Note)
		}
		numbers = append(numbers, strconv.FormatInt(*r.Den, 10), strconv.FormatFloat(*r.Value, 'g', -1, 64))
		if *r.Num > 100 { // 3 is a rank or a line number as often as a count
			numbers = append(numbers, strconv.FormatInt(*r.Num, 10))
		}
	}
	t.Logf("hidden %v; looking for %q and cells %q", hidden, texts, numbers)
	isSecret := func(cell string) bool { return slices.Contains(numbers, cell) }

	files := listFiles(t, dir)
	for _, name := range files {
		if strings.HasSuffix(name, ".parquet") || name == schemas.DatabaseFile {
			continue // binary: read through DuckDB below
		}
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		// A gzipped CSV file is searched as what it holds: the
		// compressed bytes would hide any secret from bytes.Contains.
		if gz := strings.TrimSuffix(name, ".gz"); gz != name {
			b, name = publishtest.Gunzip(t, name, b), gz
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
	// any table; every Parquet file likewise.
	db, err := sql.Open("duckdb", filepath.Join(dir, schemas.DatabaseFile)+"?access_mode=READ_ONLY")
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
	for _, name := range files {
		if strings.HasSuffix(name, ".parquet") {
			cells += scanTable(t, db, "parquet_text", filepath.Join(dir, filepath.FromSlash(name)), texts, isSecret)
		}
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
