package site_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/yardstick-open/yardstick/publish/publishtest"
	"github.com/yardstick-open/yardstick/publish/site"
	"github.com/yardstick-open/yardstick/schemas"
)

// TestCouncilTables checks each council's table.csv, which the site
// gathers from its scan by metric, against the release's
// data/comparisons.parquet, which DuckDB writes and reads back here: the
// same header, and the rows the council's page lists, each exactly once:
// for each service and metric, the council's rows in the latest period it
// has that service and metric, worked out here from comparisons.parquet
// alone. The fixtures' periods are quarters written 2024-25-Q1, so their
// text sorts in time order. DuckDB writes some figures differently
// ("117.0" for 117), so numbers are compared as numbers; CSV brackets a
// status letter. Every council with a page has a table, and no other.
func TestCouncilTables(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"small", "wide"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			rel, header, all := publishedComparisons(t, name)
			col := map[string]int{}
			for i, h := range header {
				col[h] = i
			}
			// The latest period of each council, service and metric.
			key3 := func(r []string) string {
				return r[col["council_code"]] + "|" + r[col["service"]] + "|" + r[col["metric"]]
			}
			latest := map[string]string{}
			for _, r := range all {
				if p := r[col["period"]]; p > latest[key3(r)] {
					latest[key3(r)] = p
				}
			}
			byCouncil := map[string][][]string{}
			older := 0
			for _, r := range all {
				if r[col["period"]] != latest[key3(r)] {
					older++
					continue
				}
				byCouncil[r[2]] = append(byCouncil[r[2]], r)
			}
			if older == 0 && name == "small" {
				t.Fatal("the small fixture has no figures before a later period, so the test shows nothing of choosing the latest")
			}
			tables := 0
			for code, want := range byCouncil {
				url := site.CouncilURL(code)
				if _, err := os.Stat(filepath.Join(rel.Dir, filepath.FromSlash(site.File(url)))); errors.Is(err, fs.ErrNotExist) {
					continue // no page: a council the register does not know
				}
				tables++
				gotHeader, got := readCSV(t, filepath.Join(rel.Dir, filepath.FromSlash(site.TableURL(url))))
				if !slices.Equal(gotHeader, header) {
					t.Errorf("%s: header %q, comparisons.parquet has %q", code, gotHeader, header)
				}
				if len(got) != len(want) {
					t.Errorf("%s: %d rows, comparisons.parquet has %d", code, len(got), len(want))
					continue
				}
				key := func(r []string) string { return strings.Join(r[:6], "|") } // metric, period, council, provider, name, service
				slices.SortFunc(got, func(a, b []string) int { return strings.Compare(key(a), key(b)) })
				slices.SortFunc(want, func(a, b []string) int { return strings.Compare(key(a), key(b)) })
				for i := range want {
					for j := range header {
						if !sameCell(got[i][j], want[i][j]) {
							t.Errorf("%s, row %s: %s is %q, comparisons.parquet has %q", code, key(want[i]), header[j], got[i][j], want[i][j])
						}
					}
				}
			}
			if tables == 0 {
				t.Fatal("no council has a table")
			}
			matches, err := filepath.Glob(filepath.Join(rel.Dir, "councils", "*", "table.csv"))
			if err != nil {
				t.Fatal(err)
			}
			if len(matches) != tables {
				t.Errorf("%d councils' tables, want %d", len(matches), tables)
			}
		})
	}
}

// publishedComparisons builds the release of the fixture name ("small" or
// "wide") and returns it with its data/comparisons.parquet as DuckDB reads
// it back, each status letter bracketed as CSV writes it.
func publishedComparisons(t *testing.T, name string) (rel *schemas.Release, header []string, rows [][]string) {
	t.Helper()
	rel = fixture(t, name, map[string]func() []publishtest.Sub{"small": smallSubs, "wide": wideSubs}[name])
	header, rows = publishtest.ReadParquet(t, filepath.Join(rel.Dir, "data", "comparisons.parquet"))
	status := slices.Index(header, "status")
	for _, r := range rows {
		if r[status] != "" {
			r[status] = "[" + r[status] + "]"
		}
	}
	return rel, header, rows
}

// sameCell says whether two CSV cells hold the same figure or text.
func sameCell(a, b string) bool {
	if a == b {
		return true
	}
	x, errA := strconv.ParseFloat(a, 64)
	y, errB := strconv.ParseFloat(b, 64)
	return errA == nil && errB == nil && x == y
}

// readCSV reads a CSV file, gunzipped first when its name ends in ".gz",
// as its header and rows.
func readCSV(t *testing.T, path string) (header []string, rows [][]string) {
	t.Helper()
	all, err := csv.NewReader(bytes.NewReader(publishtest.ReadData(t, path))).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(all) == 0 {
		t.Fatalf("%s is empty", path)
	}
	return all[0], all[1:]
}

// TestMetricTables checks the metric period pages' table.csv files, which
// give the comparisons as CSV a table at a time (a release has no
// comparisons.csv.gz), against data/comparisons.parquet read back by
// DuckDB: the same header in each, and together every row of the
// Parquet file exactly once, cell for cell (numbers as numbers, the
// status letter bracketed as CSV writes it), each in its own metric and
// period's file.
func TestMetricTables(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"small", "wide"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			rel, header, want := publishedComparisons(t, name)
			files, err := filepath.Glob(filepath.Join(rel.Dir, "metrics", "*", "*", "table.csv"))
			if err != nil {
				t.Fatal(err)
			}
			var got [][]string
			for _, f := range files {
				h, rows := readCSV(t, f)
				if !slices.Equal(h, header) {
					t.Fatalf("%s: header %q, comparisons.parquet has %q", f, h, header)
				}
				dir := filepath.Dir(f)
				for _, r := range rows {
					// metrics/<metric>/<period>/table.csv holds that metric and period.
					if r[0] != filepath.Base(filepath.Dir(dir)) || r[1] != filepath.Base(dir) {
						t.Errorf("%s holds a row of %s %s", f, r[0], r[1])
					}
				}
				got = append(got, rows...)
			}
			if len(want) == 0 || len(got) != len(want) {
				t.Fatalf("%d files hold %d rows, comparisons.parquet %d", len(files), len(got), len(want))
			}
			key := func(r []string) string { return strings.Join(r[:6], "|") } // metric, period, council, provider, name, service
			byKey := func(a, b []string) int { return strings.Compare(key(a), key(b)) }
			slices.SortFunc(got, byKey)
			slices.SortFunc(want, byKey)
			for i := range want {
				for j := range header {
					if !sameCell(got[i][j], want[i][j]) {
						t.Errorf("row %s: %s is %q, comparisons.parquet has %q", key(want[i]), header[j], got[i][j], want[i][j])
					}
				}
			}
		})
	}
}
