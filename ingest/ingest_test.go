package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/yardstick-open/yardstick/schemas"
)

const header = "council_code,provider_id,provider_name,provider_sector,service,metric,period,numerator,denominator,value,note\n"

// parquetFiles lists the warehouse files under a data folder.
func parquetFiles(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(filepath.Join(root, "warehouse"), func(path string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return filepath.SkipDir
		}
		if err != nil {
			return err
		}
		if !d.IsDir() {
			out = append(out, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func ingestBytes(t *testing.T, p *Pipeline, b []byte, opt Options) *Report {
	t.Helper()
	rep, err := p.Ingest(context.Background(), bytes.NewReader(b), "return.csv", opt)
	if err != nil {
		t.Fatalf("Ingest: %v", err)
	}
	return rep
}

// TestBadInput checks that each kind of bad file is rejected with the exact
// problem a council officer would need to fix it, and that nothing reaches
// the warehouse while the file itself is kept.
func TestBadInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		input   []byte
		code    string
		line    int
		message string
		hint    string
	}{
		{
			name: "empty file", input: []byte{},
			code: CodeEmptyFile, line: 1, message: "the file is empty",
		},
		{
			name: "byte-order mark only", input: []byte("\xef\xbb\xbf"),
			code: CodeEmptyFile, line: 1, message: "the file is empty",
		},
		{
			name: "binary file", input: []byte("PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00"),
			code: CodeBinaryFile, line: 1, message: "the file holds binary data (a NUL byte), not text",
			hint: "save the spreadsheet as CSV (comma delimited) and submit that file",
		},
		{
			name: "header with no known columns", input: []byte("name,address,postcode\nA,B,C\n"),
			code: CodeNoHeader, line: 1, message: "no header row with known column names in the first 20 rows",
		},
		{
			name: "truncated last line", input: []byte(header +
				"E08000009,1-101234567,Brightwater Care Ltd,private,homecare,hc-visits-on-time,2024-25-Q1,850,1000,85.0,\n" +
				"E08000009,1-101234567,Brightwater Ca"),
			code: CodeFieldCount, line: 3, message: "the line has 3 fields but the header has 11",
			hint: "the line may be cut short (a truncated file?) or a field may be missing; compare it with the header",
		},
		{
			name: "truncated inside a quoted field", input: []byte(header +
				"E08000009,1-101234567,\"Brightwater Care"),
			code: CodeCSVSyntax, line: 2, message: "a quoted field that starts on line 2 is never closed",
		},
		{
			name: "neither UTF-8 nor Windows-1252", input: []byte(header +
				"E08000009,1-101234567,Bright\x81water,private,homecare,hc-visits-on-time,2024-25-Q1,850,1000,85.0,\n"),
			code: CodeEncoding, line: 2, message: "line 2 has a byte (0x81) that is neither UTF-8 nor Windows-1252 text",
		},
		{
			name: "UTF-16", input: []byte("\xff\xfec\x00o\x00u\x00"),
			code: CodeEncoding, line: 1, message: "the file is UTF-16 text, which is not accepted",
		},
		{
			name: "UTF-8 then a stray byte", input: []byte(header +
				"E08000009,1-101234567,Café Care,private,homecare,hc-visits-on-time,2024-25-Q1,850,1000,85.0,\n" +
				"E08000009,1-101234568,Caf\xe9 Care,private,homecare,hc-visits-on-time,2024-25-Q1,850,1000,85.0,\n"),
			code: CodeEncoding, line: 3, message: "line 3 has a byte (0xE9) that is not valid UTF-8, after earlier lines in UTF-8",
		},
		{
			name: "council that does not exist", input: []byte(header +
				"E0800009,1-101234567,Brightwater Care Ltd,private,homecare,hc-visits-on-time,2024-25-Q1,850,1000,85.0,\n"),
			code: CodeCouncil, line: 2, message: `council "E0800009" is not in the register of councils`,
			hint: "no council has that code; did you mean E08000009 (Trafford), E08000019 (Sheffield) or E08000029 (Solihull)?",
		},
		{
			name: "council abolished before the period", input: []byte(header +
				"E10000021,1-101234567,Brightwater Care Ltd,private,homecare,hc-visits-on-time,2024-25-Q1,850,1000,85.0,\n"),
			code: CodeCouncilEnded, line: 2, message: `council "E10000021" did not exist in period 2024-25-Q1`,
			hint: "Northamptonshire (E10000021) was abolished on 2021-04-01; returns for later periods belong to its successors: North Northamptonshire (E06000061) and West Northamptonshire (E06000062)",
		},
		{
			name: "period in the future", input: []byte(header +
				"E08000009,1-101234567,Brightwater Care Ltd,private,homecare,hc-visits-on-time,2027-28-Q1,850,1000,85.0,\n"),
			code: CodeFuturePeriod, line: 2, message: "period 2027-28-Q1 starts on 2027-04-01, which is in the future",
		},
		{
			name: "header without a metric column", input: []byte("council_code,service,period,value\nE08000009,homecare,2024-25-Q1,85\n"),
			code: CodeMissingColumn, line: 1, message: "the header has no metric column",
		},
		{
			name: "header only", input: []byte(header),
			code: CodeNoRows, line: 1, message: "the file has a header but no rows of figures",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := testPipeline(t)
			rep := ingestBytes(t, p, tc.input, Options{})
			if rep.Accepted() || rep.Status != "rejected" {
				t.Fatalf("status %q, want rejected; problems %v", rep.Status, rep.Problems)
			}
			found := false
			for _, pr := range rep.Problems {
				if pr.Code == tc.code && pr.Line == tc.line && pr.Message == tc.message && (tc.hint == "" || pr.Hint == tc.hint) {
					found = true
				}
			}
			if !found {
				t.Errorf("no problem {code %s, line %d, %q, hint %q}; got:", tc.code, tc.line, tc.message, tc.hint)
				for _, pr := range rep.Problems {
					t.Errorf("  %+v", pr)
				}
			}
			if files := parquetFiles(t, p.Layout.Root); len(files) > 0 {
				t.Errorf("rejected file wrote to the warehouse: %v", files)
			}
			kept, err := os.ReadFile(filepath.Join(p.Layout.Submission(rep.Submission), "return.csv"))
			if err != nil {
				t.Fatalf("the file as received was not kept: %v", err)
			}
			if !bytes.Equal(kept, tc.input) {
				t.Errorf("kept file differs from the one received (%d bytes, want %d)", len(kept), len(tc.input))
			}
		})
	}
}

// lineReader yields n bytes of one unbroken line without holding them.
type lineReader struct{ left int64 }

var aaaa = bytes.Repeat([]byte("a"), 64<<10)

func (r *lineReader) Read(p []byte) (int, error) {
	if r.left == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(int64(len(p)), r.left)], aaaa)
	r.left -= int64(n)
	return n, nil
}

// TestGigabyteLine checks that a 1 GB line is stopped at MaxLineBytes with
// a clear problem, read in bounded memory, and still stored whole.
func TestGigabyteLine(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 1 GB")
	}
	t.Parallel()
	p := testPipeline(t)
	const size = 1 << 30
	in := io.MultiReader(strings.NewReader(header), &lineReader{left: size})
	rep, err := p.Ingest(context.Background(), in, "huge.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) != 1 {
		t.Fatalf("got %d problems, want 1: %v", len(rep.Problems), rep.Problems)
	}
	want := Problem{Line: 2, Code: CodeLineTooLong, Severity: SevError, Message: "line 2 is longer than 1048576 bytes",
		Hint: "a return's lines are short; check the file is a CSV with line breaks, not a spreadsheet or a database dump"}
	if rep.Problems[0] != want {
		t.Errorf("problem\n got %+v\nwant %+v", rep.Problems[0], want)
	}
	st, err := os.Stat(filepath.Join(p.Layout.Submission(rep.Submission), "huge.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() != int64(len(header))+size {
		t.Errorf("stored %d bytes, want %d", st.Size(), int64(len(header))+size)
	}
}

// TestLayouts checks that the file shapes councils send are all read to
// the same rows: BOM, Windows-1252, semicolons, tabs, CRLF, preamble rows,
// header aliases, period spellings and value formats.
func TestLayouts(t *testing.T) {
	t.Parallel()
	canonical := header +
		"E08000009,1-101234567,Brightwater Care Ltd,private,homecare,hc-visits-on-time,2024-25-Q1,850,1000,85.0,\n" +
		"E08000009,1-101234567,Brightwater Care Ltd,private,homecare,price-per-hour,2024-25-Q1,,,£21.50,\"Rate for 2024, uplifted\"\n"
	cp1252 := strings.ReplaceAll(canonical, "£", "\xa3")
	tests := []struct {
		name  string
		input string
	}{
		{"canonical", canonical},
		{"BOM", "\ufeff" + canonical},
		{"Windows-1252", cp1252},
		{"CRLF", strings.ReplaceAll(canonical, "\n", "\r\n")},
		{"semicolon", "LA code;Provider ID;Provider;Sector;Service;Measure;Quarter;Numerator;Denominator;Value;Notes\n" +
			"E08000009;1-101234567;Brightwater Care Ltd;private;homecare;hc-visits-on-time;Q1 2024/25;850;1,000;85%;\n" +
			"Trafford;1-101234567;Brightwater Care Ltd;private;homecare;price-per-hour;Apr-Jun 2024;;;21.50;Rate for 2024, uplifted\n"},
		{"tab with preamble", "Quarterly performance return\tTrafford\n\nPrepared by the commissioning team\n" +
			"Local authority\tProvider ID\tProvider name\tProvider sector\tService\tMetric\tPeriod\tNumerator\tDenominator\tValue\tComment\n" +
			"E08000009\t1-101234567\tBrightwater Care Ltd\tprivate\thomecare\thc-visits-on-time\t2024/25 Q1\t850\t1000\t\t\n" +
			"E08000009\t1-101234567\tBrightwater Care Ltd\tprivate\thomecare\tprice-per-hour\t2024-25-Q1\t\t\t£21.50\tRate for 2024, uplifted\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := testPipeline(t)
			rep := ingestBytes(t, p, []byte(tc.input), Options{})
			if !rep.Accepted() {
				t.Fatalf("rejected: %v", rep.Problems)
			}
			if rep.Rows != 2 || rep.Council != "E08000009" || strings.Join(rep.Periods, ",") != "2024-25-Q1" {
				t.Errorf("rows %d council %q periods %v; want 2, E08000009, [2024-25-Q1]", rep.Rows, rep.Council, rep.Periods)
			}
			files := parquetFiles(t, p.Layout.Root)
			if len(files) != 1 {
				t.Fatalf("%d warehouse files, want 1", len(files))
			}
			rows, err := parquet.ReadFile[Observation](files[0])
			if err != nil {
				t.Fatal(err)
			}
			// Every layout must give these rows, worked out from the
			// canonical file: 850/1000 is 85 whether written 85.0, 85% or
			// left blank, and £21.50 is 21.5 in any encoding.
			type fig struct {
				metric, note string
				num, den     int64
				value        float64
			}
			want := map[string]fig{
				"hc-visits-on-time": {"hc-visits-on-time", "", 850, 1000, 85},
				"price-per-hour":    {"price-per-hour", "Rate for 2024, uplifted", 0, 0, 21.5},
			}
			if len(rows) != len(want) {
				t.Fatalf("%d rows in the warehouse, want %d", len(rows), len(want))
			}
			for _, r := range rows {
				got := fig{metric: r.Metric, note: r.Note}
				if r.Numerator != nil {
					got.num = *r.Numerator
				}
				if r.Denominator != nil {
					got.den = *r.Denominator
				}
				if r.Value != nil {
					got.value = *r.Value
				}
				if got != want[r.Metric] || r.CouncilCode != "E08000009" || r.ProviderID != "1-101234567" ||
					r.ProviderName != "Brightwater Care Ltd" || r.Period != "2024-25-Q1" || r.Status != "" {
					t.Errorf("row %+v\nwant %+v for E08000009, 1-101234567, 2024-25-Q1", r, want[r.Metric])
				}
			}
		})
	}
}

// TestRowChecks checks the row-level rules one at a time.
func TestRowChecks(t *testing.T) {
	t.Parallel()
	row := func(fields ...string) string { return strings.Join(fields, ",") + "\n" }
	base := []string{"E08000009", "1-101234567", "Brightwater Care Ltd", "private", "homecare", "hc-visits-on-time", "2024-25-Q1", "850", "1000", "85.0", ""}
	with := func(i int, v string) string {
		f := append([]string(nil), base...)
		f[i] = v
		return row(f...)
	}
	tests := []struct {
		name     string
		rows     string
		council  string
		accepted bool
		code     string
		message  string
	}{
		{name: "value derived when blank", rows: with(9, ""), accepted: true},
		{name: "value rounded to its decimals", rows: row("E08000009", "1-101234567", "B", "private", "homecare", "hc-visits-on-time", "2024-25-Q1", "851", "1000", "85", ""), accepted: true},
		{name: "suppressed", rows: with(9, "[c]"), accepted: true},
		{name: "qualified figure", rows: with(9, "85.0 [p]"), accepted: true},
		{name: "missing markers", rows: row("E08000009", "1-101234567", "B", "private", "homecare", "hc-continuity", "2024-25-Q1", "", "", "..", ""), accepted: true},
		{name: "value far from counts", rows: with(9, "58.0"), code: CodeMismatch, message: "value 58 but numerator/denominator give 85"},
		{name: "value a fraction", rows: with(9, "0.85"), code: CodeMismatch, message: "value 0.85 but numerator/denominator give 85"},
		{name: "value slightly off", rows: with(9, "85.4"), accepted: true, code: CodeMismatchSmall, message: "value 85.4 but numerator/denominator give 85 (within 1%, kept as written)"},
		{name: "numerator over denominator", rows: with(7, "1001"), code: CodeNumOverDen, message: "the numerator (1001) is larger than the denominator (1000), which a proportion cannot be"},
		{name: "zero denominator", rows: with(8, "0"), code: CodeZeroDenominator, message: "the denominator is 0"},
		{name: "negative count", rows: with(7, "-5"), code: CodeNegative, message: `numerator "-5" is negative`},
		{name: "decimal comma", rows: strings.Replace(with(9, "\"85,0\""), ",\"85,0\"", ",\"85,0\"", 1), code: CodeNumber, message: `value "85,0" is not a number`},
		{name: "out of range", rows: row("E08000009", "1-101234567", "B", "private", "homecare", "hc-continuity", "2024-25-Q1", "", "", "185", ""), code: CodeRange, message: "value 185 is outside the range of hc-continuity (0 to 100)"},
		{name: "percent sign on pounds", rows: row("E08000009", "1-101234567", "B", "private", "homecare", "price-per-hour", "2024-25-Q1", "", "", "21%", ""), code: CodePercentUnit, message: `value "21%" is a percentage but price-per-hour is measured in gbp`},
		{name: "unknown metric", rows: with(5, "hc-visits-ontime"), code: CodeMetric, message: `metric "hc-visits-ontime" is not in the catalogue`},
		{name: "metric for another service", rows: with(5, "ch-falls"), code: CodeMetricService, message: `metric "ch-falls" is not reported for service "homecare"`},
		{name: "unknown service", rows: with(4, "home-care"), code: CodeService, message: `service "home-care" is not in the catalogue`},
		{name: "bad provider id", rows: with(1, "ABC123"), code: CodeProviderID, message: `provider_id "ABC123" is not in a known format`},
		{name: "provider without id", rows: with(1, ""), code: CodeProviderMissing, message: `provider "Brightwater Care Ltd" has no provider_id`},
		{name: "bad sector", rows: with(3, "mutual"), code: CodeSector, message: `provider_sector "mutual" is not one of public, voluntary, private, plc`},
		{name: "calendar year period", rows: with(6, "2024"), code: CodePeriod, message: `unrecognised period: "2024" is a calendar year; periods are financial years, written 2024-25 (April 2024 to March 2025)`},
		{name: "duplicate row", rows: row(base...) + with(9, ""), code: CodeDuplicateRow, message: `a second row for E08000009, provider "1-101234567", hc-visits-on-time, 2024-25-Q1`},
		{name: "council other than the submitter's", rows: with(0, "E08000002"), council: "E08000009", code: CodeCouncilMismatch, message: "this return is for Trafford (E08000009) but the row is for Bury (E08000002)"},
		{name: "former code resolves", rows: row("E08000020", "1-101234567", "B", "private", "homecare", "hc-continuity", "2024-25-Q1", "", "", "70", ""), accepted: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := testPipeline(t)
			rep := ingestBytes(t, p, []byte(header+tc.rows), Options{Council: tc.council})
			if rep.Accepted() != tc.accepted {
				t.Fatalf("accepted = %v, want %v; problems %v", rep.Accepted(), tc.accepted, rep.Problems)
			}
			if tc.code == "" {
				if len(rep.Problems) > 0 {
					t.Errorf("unexpected problems: %v", rep.Problems)
				}
				return
			}
			for _, pr := range rep.Problems {
				if pr.Code == tc.code && pr.Message == tc.message {
					return
				}
			}
			t.Errorf("no problem %s %q; got %v", tc.code, tc.message, rep.Problems)
		})
	}
}

// TestCouncilFlag checks that the council option fills a missing council
// column.
func TestCouncilFlag(t *testing.T) {
	t.Parallel()
	p := testPipeline(t)
	in := "service,metric,period,numerator,denominator\nwaste-collection,waste-recycling-rate,2024-25,41000,100000\n"
	rep := ingestBytes(t, p, []byte(in), Options{Council: "Trafford"})
	if !rep.Accepted() || rep.Council != "E08000009" {
		t.Fatalf("accepted %v council %q; want accepted for E08000009: %v", rep.Accepted(), rep.Council, rep.Problems)
	}
}

// TestOptionErrors checks that errors in how ingest was asked to run are
// coded, find ErrUsage when they are usage errors, and name no flag: the
// command that has the flags says which one.
func TestOptionErrors(t *testing.T) {
	t.Parallel()
	p := testPipeline(t)
	dir := t.TempDir()
	tests := []struct {
		name  string
		path  string // for IngestFile; "" to ingest a small return
		opt   Options
		code  string
		usage bool
		want  string
	}{
		{
			name: "unknown council", opt: Options{Council: "Trafferd"}, code: schemas.EINVALID, usage: true,
			want: `council option: unknown council: "Trafferd"; no council has that name; did you mean Trafford (E08000009), Bradford (E08000032) or Stafford (E07000197)?`,
		},
		{
			name: "a folder, not a file", path: dir, code: schemas.EINVALID, usage: true,
			want: dir + " is a folder, not a file",
		},
		{
			name: "missing file", path: filepath.Join(dir, "nope.csv"), code: schemas.ENOTFOUND,
			want: "open return: open " + filepath.Join(dir, "nope.csv") + ": no such file or directory",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var err error
			if tc.path != "" {
				_, err = p.IngestFile(context.Background(), tc.path, tc.opt)
			} else {
				_, err = p.Ingest(context.Background(), strings.NewReader(header), "r.csv", tc.opt)
			}
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			if err.Error() != tc.want {
				t.Errorf("error %q, want %q", err, tc.want)
			}
			if got := schemas.ErrorCode(err); got != tc.code {
				t.Errorf("code %q, want %q", got, tc.code)
			}
			if got := errors.Is(err, ErrUsage); got != tc.usage {
				t.Errorf("errors.Is(err, ErrUsage) = %v, want %v", got, tc.usage)
			}
		})
	}
}

// TestShuffledPartitions checks a return whose rows jump between periods,
// so partitions are written early and must be written again when more of
// their rows arrive: every accepted row must be in the warehouse once.
func TestShuffledPartitions(t *testing.T) {
	t.Parallel()
	p := testPipeline(t)
	var b strings.Builder
	b.WriteString(header)
	periods := []string{"2023-24-Q1", "2023-24-Q2", "2023-24-Q3"}
	const n = 600
	for i := range n {
		fmt.Fprintf(&b, "E08000009,1-1%08d,Provider %d,private,homecare,hc-visits-on-time,%s,%d,100,,\n", i/3, i/3, periods[i%3], i%100)
	}
	rep := ingestBytes(t, p, []byte(b.String()), Options{})
	if !rep.Accepted() || rep.Rows != n {
		t.Fatalf("accepted %v rows %d, want %d: %v", rep.Accepted(), rep.Rows, n, rep.Problems)
	}
	files := parquetFiles(t, p.Layout.Root)
	if len(files) != len(periods) {
		t.Fatalf("%d warehouse files, want %d: %v", len(files), len(periods), files)
	}
	total := 0
	for _, f := range files {
		rows, err := parquet.ReadFile[Observation](f)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if !strings.Contains(f, "period="+r.Period+string(filepath.Separator)) {
				t.Errorf("row for %s in %s", r.Period, f)
			}
		}
		total += len(rows)
	}
	if total != n {
		t.Errorf("warehouse holds %d rows, want %d", total, n)
	}
}

// TestSameBytesOtherMapping checks that a file read again through another
// mapping is a new submission, not a duplicate of the first reading.
func TestSameBytesOtherMapping(t *testing.T) {
	t.Parallel()
	p := testPipeline(t)
	in := []byte("LA,Year,On time,Continuity\nE08000009,2024-25,85.0,70.0\n")
	first := &schemas.Mapping{Columns: map[string]string{"council_code": "LA", "period": "Year"},
		Constant: map[string]string{"service": "homecare"}, Wide: map[string]string{"On time": "hc-visits-on-time"}}
	second := &schemas.Mapping{Columns: map[string]string{"council_code": "LA", "period": "Year"},
		Constant: map[string]string{"service": "homecare"}, Wide: map[string]string{"Continuity": "hc-continuity"}}
	a := ingestBytes(t, p, in, Options{Mapping: first})
	again := ingestBytes(t, p, in, Options{Mapping: first})
	b := ingestBytes(t, p, in, Options{Mapping: second})
	if !a.Accepted() || !b.Accepted() {
		t.Fatalf("accepted %v and %v: %v %v", a.Accepted(), b.Accepted(), a.Problems, b.Problems)
	}
	if again.Duplicate != a.Submission {
		t.Errorf("the same bytes through the same mapping: duplicate of %q, want %q", again.Duplicate, a.Submission)
	}
	if b.Duplicate != "" || b.Submission == a.Submission {
		t.Errorf("the same bytes through another mapping were taken as a duplicate of %q", b.Duplicate)
	}
}
