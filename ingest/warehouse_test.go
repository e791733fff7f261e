package ingest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2" // an independent Parquet reader, for tests only
	"github.com/parquet-go/parquet-go"
	"github.com/yardstick-open/yardstick/schemas"
)

// The warehouse tests read what ingest writes with DuckDB, the reader
// publish uses, rather than with the library that wrote it: a file only
// parquet-go can read back is no contract.

// whReturn is a return that exercises the warehouse columns: a preamble
// and a blank line above the header, a note with a line break (so lines
// and records part company), zero counts and values, every kind of marker,
// a qualifier, a former council code, and three kinds of period.
const whReturn = "Trafford Council: contract monitoring return\n" + // 1
	"\n" + // 2
	"council_code,provider_id,provider_name,provider_sector,service,metric,period,numerator,denominator,value,note\n" + // 3
	"E08000009,1-101234567,Acme Care Ltd,private,homecare,hc-missed-visits,2024-25-Q1,0,1200,0,\n" + // 4
	"E08000009,1-101234567,Acme Care Ltd,private,homecare,hc-visits-on-time,2024-25-Q1,950,1000,95.0,\"late runs on\nSundays\"\n" + // 5-6
	"E08000009,1-101234567,Acme Care Ltd,private,homecare,hc-continuity,2024-25-Q1,,,[c],\n" + // 7
	"E08000009,1-101234567,Acme Care Ltd,private,homecare,hc-hours-delivered,2024-25-Q1,,,NA,\n" + // 8
	"E08000009,1-101234567,Acme Care Ltd,private,homecare,staff-turnover,2024-25-Q1,3,40,7.5 [p],\n" + // 9
	"E08000009,LOCAL-TRF-HC1,Trafford in-house,in-house,homecare,vacancy-rate,2024-25-Q2,0,25,,\n" + // 10
	"E08000009,1-101234567,Acme Care Ltd,private,homecare,price-per-hour,2024-25-Q2,,,£21.50,\n" + // 11
	"E08000002,1-101234567,Acme Care Ltd,private,homecare,hc-visits-on-time,2024-25-Q1,,,[z],\n" + // 12
	"E08000020,1-101234567,Acme Care Ltd,Private,homecare,hc-visits-on-time,2024-06,80,100,80%,\n" // 13: Gateshead's former code

// whRow is one warehouse row as DuckDB reads it.
type whRow struct {
	Council, ProviderID, ProviderName, Sector, Service, Metric, Period string
	Num, Den                                                           sql.NullInt64
	Value                                                              sql.NullFloat64
	Note                                                               string
	Start, End                                                         time.Time
	Status, Submission                                                 string
	Line                                                               int64
	Received                                                           time.Time
	File                                                               string
}

func whInt(v int64) sql.NullInt64       { return sql.NullInt64{Int64: v, Valid: true} }
func whFloat(v float64) sql.NullFloat64 { return sql.NullFloat64{Float64: v, Valid: true} }
func whDay(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// whDuckDB opens an in-memory DuckDB for reading the warehouse.
func whDuckDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// whGlob is the read_parquet argument for a data folder's
// warehouse, quoted as an SQL string.
func whGlob(root string) string {
	g := filepath.ToSlash(filepath.Join(root, "warehouse", "observations")) + "/**/*.parquet"
	return "'" + strings.ReplaceAll(g, "'", "''") + "'"
}

func TestWarehouseReadByDuckDB(t *testing.T) {
	t.Parallel()
	p := testPipeline(t)
	rep, err := p.Ingest(context.Background(), strings.NewReader(whReturn), "trafford-q1.csv", Options{Submitter: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Accepted() {
		t.Fatalf("rejected: %v", rep.Problems)
	}
	if len(rep.Problems) != 0 {
		t.Errorf("unexpected problems: %v", rep.Problems)
	}
	db := whDuckDB(t)
	glob := whGlob(p.Layout.Root)

	t.Run("columns", func(t *testing.T) {
		rows, err := db.Query("DESCRIBE SELECT * FROM read_parquet(" + glob + ", hive_partitioning=false)")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		var got []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			got = append(got, fmt.Sprintf("%v %v", vals[0], vals[1]))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		// received_at is written as a UTC-adjusted timestamp, which DuckDB
		// reads as TIMESTAMP WITH TIME ZONE.
		want := []string{
			"council_code VARCHAR", "provider_id VARCHAR", "provider_name VARCHAR", "provider_sector VARCHAR",
			"service VARCHAR", "metric VARCHAR", "period VARCHAR", "numerator BIGINT", "denominator BIGINT",
			"value DOUBLE", "note VARCHAR", "period_start DATE", "period_end DATE", "status VARCHAR",
			"submission_id VARCHAR", "source_line BIGINT", "received_at TIMESTAMP WITH TIME ZONE",
		}
		if !slices.Equal(got, want) {
			t.Errorf("columns:\n got %q\nwant %q", got, want)
		}
	})

	t.Run("rows", func(t *testing.T) {
		var n int
		if err := db.QueryRow("SELECT count(*) FROM read_parquet(" + glob + ", hive_partitioning=false)").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 9 || rep.Rows != 9 {
			t.Fatalf("DuckDB counts %d rows and the report %d, want 9", n, rep.Rows)
		}
		rows, err := db.Query(`SELECT council_code, provider_id, provider_name, provider_sector, service, metric, period,
			numerator, denominator, value, note, period_start, period_end, status, submission_id, source_line,
			received_at, filename
			FROM read_parquet(` + glob + `, hive_partitioning=false, filename=true) ORDER BY source_line`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var got []whRow
		for rows.Next() {
			var r whRow
			if err := rows.Scan(&r.Council, &r.ProviderID, &r.ProviderName, &r.Sector, &r.Service, &r.Metric, &r.Period,
				&r.Num, &r.Den, &r.Value, &r.Note, &r.Start, &r.End, &r.Status, &r.Submission, &r.Line,
				&r.Received, &r.File); err != nil {
				t.Fatal(err)
			}
			got = append(got, r)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		acme := func(council, metric, period string, line int64) whRow {
			return whRow{Council: council, ProviderID: "1-101234567", ProviderName: "Acme Care Ltd", Sector: "private",
				Service: "homecare", Metric: metric, Period: period, Line: line}
		}
		q1 := func(r whRow) whRow { r.Start, r.End = whDay("2024-04-01"), whDay("2024-06-30"); return r }
		q2 := func(r whRow) whRow { r.Start, r.End = whDay("2024-07-01"), whDay("2024-09-30"); return r }
		want := []whRow{
			q1(acme("E08000009", "hc-missed-visits", "2024-25-Q1", 4)),
			q1(acme("E08000009", "hc-visits-on-time", "2024-25-Q1", 5)),
			q1(acme("E08000009", "hc-continuity", "2024-25-Q1", 7)),
			q1(acme("E08000009", "hc-hours-delivered", "2024-25-Q1", 8)),
			q1(acme("E08000009", "staff-turnover", "2024-25-Q1", 9)),
			q2(whRow{Council: "E08000009", ProviderID: "LOCAL-TRF-HC1", ProviderName: "Trafford in-house", Sector: "public",
				Service: "homecare", Metric: "vacancy-rate", Period: "2024-25-Q2", Line: 10}),
			q2(acme("E08000009", "price-per-hour", "2024-25-Q2", 11)),
			q1(acme("E08000002", "hc-visits-on-time", "2024-25-Q1", 12)),
			acme("E08000037", "hc-visits-on-time", "2024-06", 13),
		}
		// Optional zeros must read back as 0, not NULL (parquet-go #153, #303).
		want[0].Num, want[0].Den, want[0].Value = whInt(0), whInt(1200), whFloat(0)
		want[1].Num, want[1].Den, want[1].Value, want[1].Note = whInt(950), whInt(1000), whFloat(95), "late runs on\nSundays"
		want[2].Status = "c"
		want[3].Status = "x"
		want[4].Num, want[4].Den, want[4].Value, want[4].Status = whInt(3), whInt(40), whFloat(7.5), "p"
		want[5].Num, want[5].Den, want[5].Value = whInt(0), whInt(25), whFloat(0) // derived from 0/25
		want[6].Value = whFloat(21.5)
		want[7].Status = "z"
		want[8].Num, want[8].Den, want[8].Value = whInt(80), whInt(100), whFloat(80)
		want[8].Start, want[8].End = whDay("2024-06-01"), whDay("2024-06-30")
		if len(got) != len(want) {
			t.Fatalf("got %d rows, want %d", len(got), len(want))
		}
		received := fixedNow().UTC()
		for i, g := range got {
			w := want[i]
			if !g.Received.Equal(received) {
				t.Errorf("line %d: received_at %v, want %v", g.Line, g.Received, received)
			}
			if g.Submission != rep.Submission {
				t.Errorf("line %d: submission_id %q, want %q", g.Line, g.Submission, rep.Submission)
			}
			// The Hive path agrees with the columns: 2024-25-Q1 has two
			// councils, so its file is named for the submission alone.
			dir, base := filepath.Split(filepath.FromSlash(g.File))
			periodDir := filepath.Base(dir)
			wantBase := rep.Submission + "_" + g.Council + ".parquet"
			if g.Period == "2024-25-Q1" {
				wantBase = rep.Submission + ".parquet"
			}
			if periodDir != "period="+g.Period || base != wantBase {
				t.Errorf("line %d: stored in %s for period %s, council %s", g.Line, g.File, g.Period, g.Council)
			}
			if !g.Start.Equal(w.Start) || !g.End.Equal(w.End) {
				t.Errorf("line %d: period %s to %s, want %s to %s", g.Line,
					g.Start.Format(time.DateOnly), g.End.Format(time.DateOnly), w.Start.Format(time.DateOnly), w.End.Format(time.DateOnly))
			}
			g.Received, g.Submission, g.File, g.Start, g.End = time.Time{}, "", "", time.Time{}, time.Time{}
			w.Start, w.End = time.Time{}, time.Time{}
			if g != w {
				t.Errorf("line %d:\n got %+v\nwant %+v", w.Line, g, w)
			}
		}
	})

	t.Run("files", func(t *testing.T) {
		man := whManifest(t, p.Layout.Submission(rep.Submission))
		files := whParquetPaths(t, p.Layout.Root)
		var rel []string
		for _, f := range files {
			rel = append(rel, relPath(p.Layout.Root, f))
		}
		want := []string{
			"warehouse/observations/period=2024-06/" + rep.Submission + "_E08000037.parquet",
			"warehouse/observations/period=2024-25-Q1/" + rep.Submission + ".parquet",
			"warehouse/observations/period=2024-25-Q2/" + rep.Submission + "_E08000009.parquet",
		}
		if !slices.Equal(rel, want) {
			t.Errorf("files %q, want %q", rel, want)
		}
		if m := slices.Sorted(slices.Values(man.Files)); !slices.Equal(m, want) {
			t.Errorf("manifest lists %q, want %q", m, want)
		}
		if man.Status != schemas.SubmissionAccepted || man.Rows != 9 {
			t.Errorf("manifest status %q rows %d", man.Status, man.Rows)
		}
		whNoTempFiles(t, p.Layout.Root)
	})
}

func TestWarehouseRejectedLeavesNoRows(t *testing.T) {
	t.Parallel()
	p := testPipeline(t)
	// The first rows are good and are spilled before the bad row is read.
	input := []byte(strings.Replace(whReturn, "2024-25-Q2,,,£21.50", "2024-25-Q2,,,£21.50.5", 1))
	rep, err := p.Ingest(context.Background(), bytes.NewReader(input), "trafford-q1.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Accepted() || rep.Status != schemas.SubmissionRejected || rep.Rows != 0 {
		t.Fatalf("status %q rows %d, want rejected with 0 rows", rep.Status, rep.Rows)
	}
	if len(rep.Problems) != 1 || rep.Problems[0].Line != 11 || rep.Problems[0].Code != CodeNumber {
		t.Errorf("problems %v, want one bad_number on line 11", rep.Problems)
	}
	if files := whParquetPaths(t, p.Layout.Root); len(files) != 0 {
		t.Errorf("parquet files written for a rejected return: %v", files)
	}
	if _, err := os.Stat(p.Layout.Observations()); err == nil {
		entries, _ := os.ReadDir(p.Layout.Observations())
		if len(entries) > 0 {
			t.Errorf("the warehouse has %d entries after a rejected return", len(entries))
		}
	}
	whNoTempFiles(t, p.Layout.Root)

	dir := p.Layout.Submission(rep.Submission)
	stored, err := os.ReadFile(filepath.Join(dir, "trafford-q1.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(stored, input) {
		t.Error("the stored file differs from the bytes received")
	}
	man := whManifest(t, dir)
	if man.Status != schemas.SubmissionRejected || man.Errors != 1 || len(man.Files) != 0 || man.Rows != 0 {
		t.Errorf("manifest: status %q errors %d rows %d files %v", man.Status, man.Errors, man.Rows, man.Files)
	}
	var stored2 Report
	b, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &stored2); err != nil {
		t.Fatal(err)
	}
	if stored2.Status != schemas.SubmissionRejected || len(stored2.Problems) != 1 || stored2.Problems[0] != rep.Problems[0] {
		t.Errorf("report.json: status %q problems %v", stored2.Status, stored2.Problems)
	}
}

func TestWarehouseSameBytesStoredOnce(t *testing.T) {
	t.Parallel()
	p := testPipeline(t)
	// Each submission gets its own second: a submission's id is its time
	// of receipt and the start of its hash, so the same bytes received in
	// the same microsecond for two councils would get the same id.
	var tick atomic.Int64
	p.Now = func() time.Time { return fixedNow().Add(time.Duration(tick.Add(1)) * time.Second) }
	ctx := context.Background()
	// No council column: the council comes from Options.Council, so the
	// same bytes can be a return for two councils.
	input := "provider_id,provider_name,service,metric,period,numerator,denominator,value\n" +
		"1-101234567,Acme Care Ltd,homecare,hc-visits-on-time,2024-25-Q1,950,1000,95\n" +
		"1-101234567,Acme Care Ltd,homecare,hc-missed-visits,2024-25-Q1,0,1200,0\n"
	ingest := func(s, council string) *Report {
		t.Helper()
		rep, err := p.Ingest(ctx, strings.NewReader(s), "return.csv", Options{Council: council})
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	first := ingest(input, "E08000009")
	if !first.Accepted() || first.Duplicate != "" {
		t.Fatalf("first: status %q duplicate %q problems %v", first.Status, first.Duplicate, first.Problems)
	}
	filesBefore := whParquetPaths(t, p.Layout.Root)

	second := ingest(input, "Trafford") // the same council, by name
	if second.Duplicate != first.Submission || second.Submission != first.Submission || second.Status != schemas.SubmissionAccepted {
		t.Errorf("second: submission %q duplicate %q status %q, want a duplicate of %q",
			second.Submission, second.Duplicate, second.Status, first.Submission)
	}
	if second.SHA256 != first.SHA256 {
		t.Errorf("sha256 %s then %s", first.SHA256, second.SHA256)
	}
	if files := whParquetPaths(t, p.Layout.Root); !slices.Equal(files, filesBefore) {
		t.Errorf("files after a duplicate %v, before %v", files, filesBefore)
	}
	if ids := whSubmissionIDs(t, p); len(ids) != 1 {
		t.Errorf("submissions %v, want one", ids)
	}

	other := ingest(input, "E08000002") // the same bytes for another council
	if other.Duplicate != "" || other.Submission == first.Submission || !other.Accepted() {
		t.Errorf("another council: submission %q duplicate %q status %q", other.Submission, other.Duplicate, other.Status)
	}

	// A rejected file sent twice is stored once, and stays rejected.
	bad := strings.Replace(input, "950,1000,95", "950,1000,59", 1)
	r1 := ingest(bad, "E08000009")
	r2 := ingest(bad, "E08000009")
	if r1.Accepted() || r2.Duplicate != r1.Submission || r2.Status != schemas.SubmissionRejected {
		t.Errorf("rejected twice: first %q %q, second duplicate %q status %q", r1.Submission, r1.Status, r2.Duplicate, r2.Status)
	}
	if ids := whSubmissionIDs(t, p); len(ids) != 3 {
		t.Errorf("submissions %v, want three", ids)
	}
	var n int
	if err := whDuckDB(t).QueryRow("SELECT count(*) FROM read_parquet(" + whGlob(p.Layout.Root) + ", hive_partitioning=false)").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 4 {
		t.Errorf("the warehouse holds %d rows, want 4 (two returns of two rows)", n)
	}
}

// TestWarehouseTornIndexEntry checks what a crash that tore a file's first
// index entry (written straight to its name, not renamed into place)
// leaves behind: the torn entry is read as none, so the file is stored,
// and the entry is then rebuilt whole, so the same bytes sent again are a
// duplicate of that submission.
func TestWarehouseTornIndexEntry(t *testing.T) {
	t.Parallel()
	p := testPipeline(t)
	var tick atomic.Int64
	p.Now = func() time.Time { return fixedNow().Add(time.Duration(tick.Add(1)) * time.Second) }
	input := []byte("council_code,provider_id,provider_name,service,metric,period,numerator,denominator,value\n" +
		"E08000009,1-101234567,Acme Care Ltd,homecare,hc-visits-on-time,2024-25-Q1,950,1000,95\n")
	sum := sha256.Sum256(input)
	path := filepath.Join(p.indexDir(), hex.EncodeToString(sum[:])+".json")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("[\n  {\n    \"id\": \"2026"), 0o644); err != nil {
		t.Fatal(err)
	}
	first := ingestBytes(t, p, input, Options{})
	if !first.Accepted() || first.Duplicate != "" {
		t.Fatalf("first: status %q duplicate %q, want accepted and new", first.Status, first.Duplicate)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var entries []indexEntry
	if err := json.Unmarshal(b, &entries); err != nil || len(entries) != 1 || entries[0].ID != first.Submission {
		t.Fatalf("index entry %s (%v), want one entry for %s", b, err, first.Submission)
	}
	again := ingestBytes(t, p, input, Options{})
	if again.Duplicate != first.Submission {
		t.Errorf("sent again: duplicate %q, want %q", again.Duplicate, first.Submission)
	}
}

// TestWarehouseManyProblems checks that one report lists every problem in a
// file with problems on many lines, in line order.
func TestWarehouseManyProblems(t *testing.T) {
	t.Parallel()
	const good = "E08000009,1-2000000%02d,Acme %02d Ltd,private,homecare,hc-visits-on-time,2024-25-Q1,95,100,95,\n"
	type bad struct {
		row    string
		column int
		code   string
		sev    Severity
	}
	bads := []bad{
		{"E99999999,1-100000001,A,private,homecare,hc-visits-on-time,2024-25-Q1,95,100,95,", 1, CodeCouncil, SevError},
		{"E08000009,1-100000002,A,private,homecare,hc-visits-on-time,Spring 2024,95,100,95,", 7, CodePeriod, SevError},
		{"E08000009,1-100000003,A,private,homecare,hc-visits-on-time,2027-28-Q1,95,100,95,", 7, CodeFuturePeriod, SevError},
		{"E08000009,1-100000004,A,private,homecare,hc-visits-late,2024-25-Q1,95,100,95,", 6, CodeMetric, SevError},
		{"E08000009,1-100000005,A,private,home-care,hc-visits-on-time,2024-25-Q1,95,100,95,", 5, CodeService, SevError},
		{"E08000009,1-100000006,A,private,care-home,hc-visits-on-time,2024-25-Q1,95,100,95,", 6, CodeMetricService, SevError},
		{"E08000009,CQC-123,A,private,homecare,hc-visits-on-time,2024-25-Q1,95,100,95,", 2, CodeProviderID, SevError},
		{"E08000009,,Nameless Care,private,homecare,hc-visits-on-time,2024-25-Q1,95,100,95,", 2, CodeProviderMissing, SevError},
		{"E08000009,1-100000009,A,corporate,homecare,hc-visits-on-time,2024-25-Q1,95,100,95,", 4, CodeSector, SevError},
		{"E08000009,1-100000010,A,private,homecare,hc-visits-on-time,2024-25-Q1,95.5,100,95,", 8, CodeNumber, SevError},
		{"E08000009,1-100000011,A,private,homecare,hc-visits-on-time,2024-25-Q1,95,-5,95,", 9, CodeNegative, SevError},
		{"E08000009,1-100000012,A,private,homecare,hc-visits-on-time,2024-25-Q1,,,abc,", 10, CodeNumber, SevError},
		{"E08000009,1-100000013,A,private,homecare,hc-visits-on-time,2024-25-Q1,,,120,", 10, CodeRange, SevError},
		{"E08000009,1-100000014,A,private,homecare,hc-visits-on-time,2024-25-Q1,120,100,,", 8, CodeNumOverDen, SevError},
		{"E08000009,1-100000015,A,private,homecare,hc-missed-visits,2024-25-Q1,0,0,,", 9, CodeZeroDenominator, SevError},
		{"E08000009,1-100000016,A,private,homecare,hc-visits-on-time,2024-25-Q1,50,100,70,", 10, CodeMismatch, SevError},
		{"E08000009,1-100000017,A,private,homecare,price-per-hour,2024-25-Q1,,,21%,", 10, CodePercentUnit, SevError},
		{"E08000009,1-100000018,A,private,homecare,hc-visits-on-time,2024-25-Q1,,,[p],", 10, CodeMarker, SevError},
		{"E08000009,1-100000019,A,private,homecare,hc-visits-on-time,2024-25-Q1,50,101,49.4,", 10, CodeMismatchSmall, SevWarning},
		{"E08000009,1-200000001,Acme 01 Ltd,private,homecare,hc-visits-on-time,2024-25-Q1,95,100,95,", 6, CodeDuplicateRow, SevError},
		{"E08000009,1-100000021,A,private,homecare", 0, CodeFieldCount, SevError},
		{"E08000009,1-100000022,A \"Star\" Care,private,homecare,hc-visits-on-time,2024-25-Q1,95,100,95,", 25, CodeCSVSyntax, SevError}, // column is a byte position here
		{"E08000009,1-100000023,A,private,homecare,hc-visits-on-time,2024-25-Q1,95,100,95,,extra", 12, CodeFieldCount, SevError},
		{"Gateshead,1-100000024,A,private,homecare,hc-visits-on-time,2019-20-Q1,95,100,95,", 0, "", ""}, // good: a name and a former council
		{"E10000021,1-100000025,A,private,homecare,hc-visits-on-time,2024-25-Q1,95,100,95,", 1, CodeCouncilEnded, SevError},
	}
	var b strings.Builder
	b.WriteString("council_code,provider_id,provider_name,provider_sector,service,metric,period,numerator,denominator,value,note\n")
	type want struct {
		line, column int
		code         string
		sev          Severity
	}
	var wants []want
	line := 1
	for i, bd := range bads {
		line++
		fmt.Fprintf(&b, good, i+1, i+1) // a good row between every bad one
		line++
		b.WriteString(bd.row + "\n")
		if bd.code != "" {
			wants = append(wants, want{line, bd.column, bd.code, bd.sev})
		}
	}
	p := testPipeline(t)
	rep, err := p.Ingest(context.Background(), strings.NewReader(b.String()), "many.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Accepted() || rep.Rows != 0 {
		t.Errorf("status %q rows %d, want rejected", rep.Status, rep.Rows)
	}
	var got []want
	for _, pr := range rep.Problems {
		got = append(got, want{pr.Line, pr.Column, pr.Code, pr.Severity})
		if pr.Message == "" {
			t.Errorf("line %d: %s has no message", pr.Line, pr.Code)
		}
	}
	if !slices.Equal(got, wants) {
		t.Errorf("problems:\n got %v\nwant %v", got, wants)
	}
	lines := map[int]bool{}
	codes := map[string]bool{}
	for _, w := range wants {
		lines[w.line] = true
		codes[w.code] = true
	}
	if len(lines) < 20 || len(codes) < 5 {
		t.Errorf("the case covers %d lines and %d codes; it should cover at least 20 and 5", len(lines), len(codes))
	}
	if rep.Errors != len(wants)-1 || rep.Warnings != 1 {
		t.Errorf("errors %d warnings %d, want %d and 1", rep.Errors, rep.Warnings, len(wants)-1)
	}
	if files := whParquetPaths(t, p.Layout.Root); len(files) != 0 {
		t.Errorf("parquet files written for a rejected return: %v", files)
	}
}

func whManifest(t *testing.T, dir string) schemas.Manifest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m schemas.Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// whSubmissionIDs lists the submission folders, leaving out the index.
func whSubmissionIDs(t *testing.T, p *Pipeline) []string {
	t.Helper()
	entries, err := os.ReadDir(p.Layout.Submissions())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), ".") { // .index, .incoming
			ids = append(ids, e.Name())
		}
	}
	return ids
}

// whNoTempFiles fails if anything in the data folder is a temporary
// or spill file or in the incoming folder (which stays, empty): every
// write must end renamed into place or removed.
func whNoTempFiles(t testing.TB, root string) {
	t.Helper()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if strings.HasSuffix(name, ".spill") || filepath.Base(filepath.Dir(path)) == ".incoming" || strings.Contains(name, ".tmp-") {
			t.Errorf("temporary file left behind: %s", relPath(root, path))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestWarehouseLongNotes writes a partition whose rows carry notes of
// hundreds of kilobytes, so that one row of the spill file is larger than
// the slack the spill reader keeps beyond a run.
func TestWarehouseLongNotes(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("council_code,provider_id,provider_name,service,metric,period,numerator,denominator,value,note\n")
	notes := []int{700 << 10, 600 << 10, 5000, 900 << 10}
	for i, n := range notes {
		fmt.Fprintf(&b, "E08000009,1-10123456%d,Acme,homecare,hc-visits-on-time,2024-25-Q1,95,100,95,%s\n", i, strings.Repeat("n", n))
	}
	p := testPipeline(t)
	rep, err := p.Ingest(context.Background(), strings.NewReader(b.String()), "notes.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Accepted() || rep.Rows != len(notes) {
		t.Fatalf("status %q rows %d problems %v", rep.Status, rep.Rows, rep.Problems)
	}
	rows, err := whDuckDB(t).Query("SELECT length(note) FROM read_parquet(" + whGlob(p.Layout.Root) + ", hive_partitioning=false) ORDER BY source_line")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []int
	for rows.Next() {
		var n int
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		got = append(got, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, notes) {
		t.Errorf("note lengths %v, want %v", got, notes)
	}
}

// TestWriterReusedForLargerPartition checks the Parquet writers kept
// between ingests: a partition of three rows, whose writer sizes its batch
// to them, then one of 2,500 rows (two batches of writeBatch and a part),
// most likely through the same writer, and every row keeps its own counts
// and value.
// The numerator of the row on line n is n, its denominator 10,000 and its
// value n/100, worked out here, not by ingest.
func TestWriterReusedForLargerPartition(t *testing.T) {
	t.Parallel()
	p := testPipeline(t)
	for _, n := range []int{3, 2500} {
		var b strings.Builder
		b.WriteString(header)
		for i := range n {
			line := i + 2
			fmt.Fprintf(&b, "E08000009,1-1%08d,Provider %d,private,homecare,hc-visits-on-time,2024-25-Q1,%d,10000,%s,\n",
				i, i, line, strconv.FormatFloat(float64(line)/100, 'f', -1, 64))
		}
		rep := ingestBytes(t, p, []byte(b.String()), Options{})
		if !rep.Accepted() {
			t.Fatalf("%d rows: rejected: %v", n, rep.Problems[:min(3, len(rep.Problems))])
		}
		m := whManifest(t, p.Layout.Submission(rep.Submission))
		if len(m.Files) != 1 {
			t.Fatalf("%d rows: files %v, want one", n, m.Files)
		}
		rows, err := parquet.ReadFile[Observation](filepath.Join(p.Layout.Root, m.Files[0]))
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != n {
			t.Fatalf("%d rows written, want %d", len(rows), n)
		}
		for _, o := range rows {
			line := o.SourceLine
			if o.Numerator == nil || *o.Numerator != line || o.Denominator == nil || *o.Denominator != 10000 ||
				o.Value == nil || *o.Value != float64(line)/100 {
				t.Fatalf("line %d: numerator %v, denominator %v, value %v; want %d, 10000, %g",
					line, deref(o.Numerator), deref(o.Denominator), deref(o.Value), line, float64(line)/100)
			}
		}
	}
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// TestSpillFile checks the spill's store: bytes written stay in memory,
// with no file made, until they pass spillInMemory or toDisk is called;
// either way every byte written reads back at its offset (worked out from
// what was written), a read past the end says io.EOF, and close removes
// the file it made.
func TestSpillFile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		chunks int // of 100,000 bytes each
		toDisk bool
		file   bool // a file is made
	}{
		{"few bytes", 3, false, false},
		{"few bytes for a writer", 3, true, true},
		{"past the limit", spillInMemory/100_000 + 2, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "x.spill")
			s := &spillFile{path: path}
			var want []byte
			for i := range tt.chunks {
				chunk := bytes.Repeat([]byte{byte('a' + i%26)}, 100_000)
				if _, err := s.Write(chunk); err != nil {
					t.Fatal(err)
				}
				want = append(want, chunk...)
			}
			if tt.toDisk {
				if err := s.toDisk(); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := os.Stat(path); (err == nil) != tt.file {
				t.Errorf("file made: %v, want %v", err == nil, tt.file)
			}
			// A read across the 100,000-byte boundary between the first two
			// chunks: 'a' then 'b'.
			got := make([]byte, 4)
			if _, err := s.ReadAt(got, 99_998); err != nil || string(got) != "aabb" {
				t.Errorf("ReadAt(99998) = %q, %v; want \"aabb\"", got, err)
			}
			all := make([]byte, len(want))
			if _, err := s.ReadAt(all, 0); err != nil || !bytes.Equal(all, want) {
				t.Errorf("reading back every byte: equal %v, %v", bytes.Equal(all, want), err)
			}
			if n, err := s.ReadAt(got, int64(len(want))-2); n != 2 || err != io.EOF {
				t.Errorf("ReadAt past the end = %d, %v; want 2, io.EOF", n, err)
			}
			s.close()
			if _, err := os.Stat(path); err == nil {
				t.Error("the spill file is still there after close")
			}
		})
	}
}
