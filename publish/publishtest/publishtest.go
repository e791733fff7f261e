// Package publishtest writes data folders for tests of publish and the
// packages that read its releases: accepted submissions in the warehouse,
// laid out as ingest lays them out, without running ingest (publish and
// ingest meet only through the warehouse files).
package publishtest

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/data"
	"github.com/yardstick-open/yardstick/schemas"
	"github.com/yardstick-open/yardstick/schemas/config"

	// The DuckDB driver is registered by publish/duckdb; this package
	// reaches it through database/sql by name only, so publish/duckdb stays
	// the one importer of the driver.
	_ "github.com/yardstick-open/yardstick/publish/duckdb"
)

//go:embed queries/*.sql
var queries embed.FS

// Obs is one warehouse row; nil counts and value are written as nulls. A
// blank Council is the submission's.
type Obs struct {
	Council, Provider, Name, Sector, Service, Metric, Period string
	Num, Den                                                 *int64
	Value                                                    *float64
	Status, Note                                             string
}

// Sub is one accepted submission.
type Sub struct {
	ID       string
	Council  string
	Received time.Time
	Rows     []Obs
	// SHA256 and Submitter go into the manifest only.
	SHA256, Submitter string
}

// I64 and F64 return pointers to their arguments, for Obs's counts and
// value.
func I64(v int64) *int64     { return &v }
func F64(v float64) *float64 { return &v }

func query(tb testing.TB, name string) string {
	tb.Helper()
	b, err := queries.ReadFile("queries/" + name + ".sql")
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// WriteSubmissions writes subs into the data folder root as ingest would:
// warehouse Parquet files in the Hive layout ingest writes (layout 2, see
// schemas.ObservationPeriodFile: one file per submission and period, named
// for its council when it has one, sorted by council in row groups of
// 4,096 rows when it has several), written by DuckDB, then an accepted
// manifest.json for each.
func WriteSubmissions(tb testing.TB, root string, subs ...Sub) {
	tb.Helper()
	writeSubmissions(tb, root, 2, subs)
}

// WriteSubmissionsLayout1 writes subs as WriteSubmissions does, but in the
// warehouse's first layout (period=<p>/council=<gss>/<id>.parquet, one file
// per submission, period and council), as ingest wrote them before layout
// 2: for tests of the migration and of reading both layouts.
func WriteSubmissionsLayout1(tb testing.TB, root string, subs ...Sub) {
	tb.Helper()
	writeSubmissions(tb, root, 1, subs)
}

func writeSubmissions(tb testing.TB, root string, version int, subs []Sub) {
	tb.Helper()
	ctx := context.Background()
	layout := schemas.Layout{Root: root}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close()
	exec := func(q string, args ...any) {
		tb.Helper()
		if _, err := conn.ExecContext(ctx, q, args...); err != nil {
			tb.Fatal(err)
		}
	}
	exec(query(tb, "fixture_create"))
	insert := query(tb, "fixture_insert")
	for _, s := range subs {
		exec(query(tb, "fixture_clear"))
		type part struct{ period, council string }
		parts := map[part]bool{}
		councils := map[string][]string{} // period: councils
		var periods, services, all []string
		for i, r := range s.Rows {
			council := r.Council
			if council == "" {
				council = s.Council
			}
			p, err := schemas.ParsePeriod(r.Period)
			if err != nil {
				tb.Fatal(err)
			}
			if !parts[part{p.ID, council}] {
				councils[p.ID] = append(councils[p.ID], council)
			}
			parts[part{p.ID, council}] = true
			periods = append(periods, p.ID)
			services = append(services, r.Service)
			all = append(all, council)
			exec(insert, council, r.Provider, r.Name, r.Sector, r.Service, r.Metric, p.ID,
				nullable(r.Num), nullable(r.Den), nullable(r.Value), r.Note, p.Start, p.End,
				r.Status, s.ID, int64(i+2), s.Received)
		}
		var files []string
		write := func(path, q string, args ...any) {
			tb.Helper()
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				tb.Fatal(err)
			}
			exec(query(tb, q), append(args, sql.Named("path", path))...)
			rel, _ := filepath.Rel(root, path)
			files = append(files, filepath.ToSlash(rel))
		}
		for period, cs := range councils {
			switch {
			case version == 1:
				for _, c := range cs {
					write(layout.ObservationFile(period, c, s.ID), "fixture_copy",
						sql.Named("id", s.ID), sql.Named("period", period), sql.Named("council", c))
				}
			case len(cs) == 1:
				write(layout.ObservationPeriodFile(period, cs[0], s.ID), "fixture_copy",
					sql.Named("id", s.ID), sql.Named("period", period), sql.Named("council", cs[0]))
			default:
				write(layout.ObservationPeriodFile(period, "", s.ID), "fixture_copy_councils",
					sql.Named("id", s.ID), sql.Named("period", period))
			}
		}
		sort.Strings(files)
		m := schemas.Manifest{ID: s.ID, File: "return.csv", ReceivedAt: s.Received, Council: s.Council,
			SHA256: s.SHA256, Submitter: s.Submitter,
			Status: schemas.SubmissionAccepted, Rows: len(s.Rows), Files: files,
			Councils: uniq(all), Periods: uniq(periods), Services: uniq(services)}
		WriteManifest(tb, layout, m)
	}
}

// WriteManifest writes m as the manifest.json of its submission.
func WriteManifest(tb testing.TB, layout schemas.Layout, m schemas.Manifest) {
	tb.Helper()
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.MkdirAll(layout.Submission(m.ID), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(layout.Submission(m.ID), "manifest.json"), b, 0o644); err != nil {
		tb.Fatal(err)
	}
}

func nullable[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

func uniq(s []string) []string {
	sort.Strings(s)
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// Reference returns the built-in catalogue and the register of councils,
// read once.
var Reference = sync.OnceValues(func() (*schemas.Catalogue, *schemas.Councils) {
	cat, err := config.Builtin()
	if err != nil {
		panic(err)
	}
	councils, err := schemas.LoadCouncils(data.Reference())
	if err != nil {
		panic(err)
	}
	return cat, councils
})

// ReadData returns the bytes of a release's file at path, gunzipped when
// its name ends in ".gz" (the large tables' CSV files), failing t unless
// the file reads and is one whole gzip stream.
func ReadData(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(path, ".gz") {
		return b
	}
	return Gunzip(t, path, b)
}

// Gunzip returns what the gzip stream b, the bytes of the file name,
// holds, failing t unless b is one whole gzip stream.
func Gunzip(t testing.TB, name string, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return out
}

// ReadParquet returns the columns of the Parquet file at path and its
// rows, in the file's order, read by DuckDB with every value cast to text
// as DuckDB casts it (a number as its CSV writer writes it; a timestamp
// with a space, not CSV's T) and NULL as "" (ParquetNulls tells the two
// apart): the comparisons and provider profiles, which a release
// publishes as Parquet only, read as a user would.
func ReadParquet(t testing.TB, path string) (header []string, rows [][]string) {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := t.Context()
	lit, header := parquetColumns(t, db, path)
	casts := make([]string, len(header))
	for i, h := range header {
		casts[i] = "CAST(" + quoteIdent(h) + " AS VARCHAR)"
	}
	// file_row_number keeps the file's order whatever the threads do.
	rs, err := db.QueryContext(ctx, "SELECT "+strings.Join(casts, ", ")+
		" FROM read_parquet("+lit+", file_row_number = true) ORDER BY file_row_number")
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer rs.Close()
	vals := make([]sql.NullString, len(header))
	ptrs := make([]any, len(header))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rs.Next() {
		if err := rs.Scan(ptrs...); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		r := make([]string, len(header))
		for i, v := range vals {
			r[i] = v.String
		}
		rows = append(rows, r)
	}
	if err := rs.Err(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return header, rows
}

// ParquetRows returns ReadParquet's rows as one map per row, by column.
func ParquetRows(t testing.TB, path string) []map[string]string {
	t.Helper()
	header, rows := ReadParquet(t, path)
	out := make([]map[string]string, len(rows))
	for i, r := range rows {
		m := make(map[string]string, len(header))
		for j, h := range header {
			m[h] = r[j]
		}
		out[i] = m
	}
	return out
}

// ParquetNulls returns the NULLs of each column of the Parquet file at
// path, counted by DuckDB, by column name.
func ParquetNulls(t testing.TB, path string) map[string]int64 {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	lit, header := parquetColumns(t, db, path)
	counts := make([]string, len(header))
	for i, h := range header {
		counts[i] = "count(*) FILTER (WHERE " + quoteIdent(h) + " IS NULL)"
	}
	n := make([]int64, len(header))
	ptrs := make([]any, len(header))
	for i := range n {
		ptrs[i] = &n[i]
	}
	if err := db.QueryRowContext(t.Context(), "SELECT "+strings.Join(counts, ", ")+" FROM read_parquet("+lit+")").Scan(ptrs...); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	out := make(map[string]int64, len(header))
	for i, h := range header {
		out[h] = n[i]
	}
	return out
}

// parquetColumns returns path as an SQL string literal and the columns of
// the Parquet file there.
func parquetColumns(t testing.TB, db *sql.DB, path string) (lit string, header []string) {
	t.Helper()
	lit = "'" + strings.ReplaceAll(path, "'", "''") + "'"
	cols, err := db.QueryContext(t.Context(), "SELECT * FROM read_parquet("+lit+") LIMIT 0")
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer cols.Close()
	header, err = cols.Columns()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return lit, header
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
