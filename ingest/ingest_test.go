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
	"time"

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
		if !d.IsDir() && strings.Contains(d.Name(), ".parquet") { // not the layout's lock or record
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
			name: "UTF-16 big-endian", input: []byte("\xfe\xff\x00c\x00o\x00u"),
			code: CodeEncoding, line: 1, message: "the file is UTF-16 text, which is not accepted",
		},
		{
			name: "UTF-32", input: []byte("\xff\xfe\x00\x00c\x00\x00\x00o\x00\x00\x00"),
			code: CodeEncoding, line: 1, message: "the file is UTF-32 text, which is not accepted",
		},
		{
			name: "UTF-32 big-endian", input: []byte("\x00\x00\xfe\xff\x00\x00\x00c\x00\x00\x00o"),
			code: CodeEncoding, line: 1, message: "the file is UTF-32 text, which is not accepted",
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

		// Counts and values are bounded, so no return can make publish's
		// sums overflow.
		{
			name: "numerator above the ceiling", input: []byte(header +
				"E08000009,1-101234567,Brightwater Care Ltd,private,homecare,hc-visits-on-time,2024-25-Q1,5000000000000000000,5000000000000000000,,\n"),
			code: CodeCountTooLarge, line: 2, message: `numerator "5000000000000000000" is larger than 1,000,000,000,000, the most a count may be`,
			hint: "counts are whole visits, people, hours, tonnes or pounds, far below this; check the figure was not run together with another or written in smaller units",
		},
		{
			name: "denominator beyond int64", input: []byte(header +
				"E08000009,1-101234567,Brightwater Care Ltd,private,homecare,hc-visits-on-time,2024-25-Q1,850,\"9,223,372,036,854,775,808\",,\n"),
			code: CodeCountTooLarge, line: 2, message: `denominator "9,223,372,036,854,775,808" is larger than 1,000,000,000,000, the most a count may be`,
		},
		{
			name: "counts adding up past the ceiling", input: []byte(header +
				manyRows(101, "E08000009,LOCAL-TRF-%d,Provider,private,homecare,hc-visits-on-time,2024-25-Q1,1000000000000,1000000000000,,\n")),
			code: CodeCountSum, line: 102,
			message: "the numerators for hc-visits-on-time, homecare, 2024-25-Q1 add up to more than 100,000,000,000,000 by this row, the most one return may give for a metric, service and period",
		},
		{
			name: "value above the ceiling", input: []byte(header +
				"E08000009,1-101234567,Brightwater Care Ltd,private,homecare,price-per-hour,2024-25-Q1,,,\"£10,000,000,000,000\",\n"),
			code: CodeValueTooLarge, line: 2, message: "value 10000000000000 is beyond ±1,000,000,000,000, the largest a figure may be",
			hint: "check the figure and its unit (gbp); a decimal point may have been lost",
		},
		{
			name: "value beyond float64", input: []byte(header +
				"E08000009,1-101234567,Brightwater Care Ltd,private,homecare,price-per-hour,2024-25-Q1,,,1" + strings.Repeat("0", 400) + ",\n"),
			code: CodeValueTooLarge, line: 2, message: `value "1000000000000000000000000000000000000000…" is beyond ±1,000,000,000,000, the largest a figure may be`,
		},

		// A figure split at an unquoted thousands separator.
		{
			name: "pounds split into the note", input: []byte(header +
				"E08000009,1-101234567,Brightwater Care Ltd,private,homecare,price-per-hour,2024-25-Q1,,,£2,500.00,\n"),
			code: CodeSplitFigure, line: 2,
			message: `£2,500.00 looks like one figure split in two at its thousands separator: column 10 ("value") reads "£2" and column 11 ("note") reads "500.00"`,
			hint:    `put double quotes around a figure with thousands separators ("£2,500.00"), or write it without them (£2500.00)`,
		},
		{
			name: "figure split past the header", input: []byte(strings.TrimSuffix(header, ",note\n") + "\n" +
				"E08000009,1-101234567,Brightwater Care Ltd,private,homecare,price-per-hour,2024-25-Q1,,,£1,234,567.89\n"),
			code: CodeSplitFigure, line: 2,
			message: `£1,234,567.89 looks like one figure split in two at its thousands separator: column 10 ("value") reads "£1" and an extra field past the header reads "234"`,
		},
		{
			name: "denominator split into the value", input: []byte(header +
				"E08000009,1-101234567,Brightwater Care Ltd,private,homecare,hc-visits-on-time,2024-25-Q1,850,1,000,,\n"),
			code: CodeSplitFigure, line: 2,
			message: `1,000 looks like one figure split in two at its thousands separator: column 9 ("denominator") reads "1" and column 10 ("value") reads "000"`,
		},

		// Only English councils, with the responsibility the service needs.
		{
			name: "Welsh council", input: []byte(header +
				"W06000015,1-101234567,Brightwater Care Ltd,private,homecare,hc-visits-on-time,2024-25-Q1,850,1000,85.0,\n"),
			code: CodeCouncilScope, line: 2,
			message: `council "W06000015" is Cardiff (W06000015), a council in Wales; only councils in England send returns`,
			hint:    "Yardstick compares the services English councils commission; leave out councils elsewhere",
		},
		{
			name: "Scottish council by name", input: []byte(header +
				"City of Edinburgh,1-101234567,Brightwater Care Ltd,private,homecare,hc-visits-on-time,2024-25-Q1,850,1000,85.0,\n"),
			code: CodeCouncilScope, line: 2,
			message: `council "City of Edinburgh" is City of Edinburgh (S12000036), a council in Scotland; only councils in England send returns`,
		},
		{
			name: "Northern Irish council", input: []byte(header +
				"N09000003,1-101234567,Brightwater Care Ltd,private,homecare,hc-visits-on-time,2024-25-Q1,850,1000,85.0,\n"),
			code: CodeCouncilScope, line: 2,
			message: `council "N09000003" is Belfast (N09000003), a council in Northern Ireland; only councils in England send returns`,
		},
		{
			name: "combined authority", input: []byte(header +
				"E47000001,1-101234567,Brightwater Care Ltd,private,homecare,hc-visits-on-time,2024-25-Q1,850,1000,85.0,\n"),
			code: CodeCouncilScope, line: 2,
			message: `council "E47000001" is Greater Manchester Combined Authority (E47000001), a combined authority, which commissions none of the services Yardstick compares`,
			hint:    "send the figures as the council that commissions the service: Bolton (E08000001), Bury (E08000002), Manchester (E08000003), Oldham (E08000004), Rochdale (E08000005), Salford (E08000006), Stockport (E08000007), Tameside (E08000008), Trafford (E08000009) or Wigan (E08000010)",
		},
		{
			name: "England", input: []byte(header +
				"E92000001,1-101234567,Brightwater Care Ltd,private,homecare,hc-visits-on-time,2024-25-Q1,850,1000,85.0,\n"),
			code: CodeNotCouncil, line: 2, message: `council "E92000001" is England, not a council`,
			hint: "a return holds councils' own figures: give the GSS code of the council, such as E08000009 for Trafford, and leave out rows for England, regions and other areas",
		},
		{
			name: "England by name", input: []byte(header +
				"England,1-101234567,Brightwater Care Ltd,private,homecare,hc-visits-on-time,2024-25-Q1,850,1000,85.0,\n"),
			code: CodeNotCouncil, line: 2, message: `council "England" is England, not a council`,
		},
		{
			name: "region", input: []byte(header +
				"E12000002,1-101234567,Brightwater Care Ltd,private,homecare,hc-visits-on-time,2024-25-Q1,850,1000,85.0,\n"),
			code: CodeNotCouncil, line: 2, message: `council "E12000002" is the North West region, not a council`,
		},
		{
			name: "ward", input: []byte(header +
				"E05011111,1-101234567,Brightwater Care Ltd,private,homecare,hc-visits-on-time,2024-25-Q1,850,1000,85.0,\n"),
			code: CodeNotCouncil, line: 2, message: `council "E05011111" is an electoral ward, not a council`,
		},
		{
			name: "district council's home care", input: []byte(header +
				"E07000008,1-101234567,Brightwater Care Ltd,private,homecare,hc-visits-on-time,2024-25-Q1,850,1000,85.0,\n"),
			code: CodeResponsibility, line: 2,
			message: "Cambridge (E07000008) is a non-metropolitan district and has no social care responsibility, which service homecare needs",
			hint:    "social care belongs to county councils, unitary authorities, metropolitan districts and London boroughs; in Cambridge that is Cambridgeshire (E10000003), which sends these figures",
		},
		{
			name: "county council's waste collection", input: []byte(header +
				"E10000016,,,,waste-collection,waste-recycling-rate,2024-25,41000,100000,,\n"),
			code: CodeResponsibility, line: 2,
			message: "Kent (E10000016) is a county and has no waste collection responsibility, which service waste-collection needs",
			hint:    "waste collection belongs to district councils, unitary authorities, metropolitan districts and London boroughs; in Kent that is each of its 12 district councils, such as Ashford (E07000105), Canterbury (E07000106) or Dartford (E07000107), which send their own figures",
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

// manyRows formats row, a format with one %d, for 1 to n.
func manyRows(n int, row string) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, row, i)
	}
	return b.String()
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

		// The ceilings are far above real figures, and inclusive.
		{name: "counts at the ceiling", rows: row("E08000009", "1-101234567", "B", "private", "homecare", "hc-visits-on-time", "2024-25-Q1", "1000000000000", "1000000000000", "100", ""), accepted: true},
		{name: "count one above the ceiling", rows: with(8, "1000000000001"), code: CodeCountTooLarge, message: `denominator "1000000000001" is larger than 1,000,000,000,000, the most a count may be`},

		// Figures that are not split: quoted, with decimals before a
		// note of digits, a note with words, a numerator then a
		// denominator of three digits.
		{name: "quoted thousands", rows: row("E08000009", "1-101234567", "B", "private", "homecare", "hc-missed-visits", "2024-25-Q1", "", "", `"1,000"`, ""), accepted: true},
		{name: "digits in the note after a figure with decimals", rows: with(10, "500"), accepted: true},
		{name: "a note of words and digits", rows: row("E08000009", "1-101234567", "B", "private", "homecare", "hc-visits-on-time", "2024-25-Q1", "850", "1000", "85", "500 visits late"), accepted: true},
		{name: "numerator then a three-digit denominator", rows: row("E08000009", "1-101234567", "B", "private", "homecare", "hc-visits-on-time", "2024-25-Q1", "85", "100", "85", ""), accepted: true},
		{name: "split into the note", rows: row("E08000009", "1-101234567", "B", "private", "homecare", "price-per-hour", "2024-25-Q1", "", "", "21", "500"), code: CodeSplitFigure,
			message: `21,500 looks like one figure split in two at its thousands separator: column 10 ("value") reads "21" and column 11 ("note") reads "500"`},
		{name: "split negative pounds", rows: row("E08000009", "1-101234567", "B", "private", "homecare", "price-per-hour", "2024-25-Q1", "", "", "-£1", "250.5", ""), code: CodeSplitFigure,
			message: `-£1,250.5 looks like one figure split in two at its thousands separator: column 10 ("value") reads "-£1" and column 11 ("note") reads "250.5"`},

		// Councils with the responsibility the service needs.
		{name: "home care for a unitary authority", rows: with(0, "E06000001"), accepted: true},
		{name: "waste collection for a district", rows: row("E07000008", "", "", "", "waste-collection", "waste-recycling-rate", "2024-25", "41000", "100000", "", ""), accepted: true},
		{name: "adult social care for a county", rows: row("E10000016", "", "", "", "adult-social-care", "asc-user-satisfaction", "2024-25", "610", "1000", "", ""), accepted: true},
		{name: "district with social care by name", rows: row("Corby", "1-101234567", "B", "private", "homecare", "hc-visits-on-time", "2019-20-Q1", "850", "1000", "", ""), code: CodeResponsibility,
			message: "Corby (E07000150) is a non-metropolitan district and has no social care responsibility, which service homecare needs"},
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

// TestValueCeiling checks the bound on values with a metric that has no
// max of its own, as a data folder's catalogue may add: a figure as large
// as schemas.MaxValue is kept, a larger one, given or worked out from the
// counts, is an error.
func TestValueCeiling(t *testing.T) {
	t.Parallel()
	base := testPipeline(t)
	cat, err := base.Catalogue.Merge(&schemas.Catalogue{Metrics: []schemas.Metric{
		{ID: "contract-value", Title: "Contract value", Services: []string{"homecare"}, Kind: schemas.KindMean, Unit: schemas.UnitGBP},
		{ID: "events-rate", Title: "Events per 100,000", Services: []string{"homecare"}, Kind: schemas.KindRate, Unit: schemas.UnitPer100000, Multiplier: 100000},
	}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, metric, num, den, value string
		code, message                 string
	}{
		{name: "at the ceiling", metric: "contract-value", value: `"£1,000,000,000,000"`},
		{name: "negative at the ceiling", metric: "contract-value", value: `"-1,000,000,000,000"`},
		{name: "just above", metric: "contract-value", value: `"£1,000,000,000,000.01"`,
			code: CodeValueTooLarge, message: "value 1000000000000.01 is beyond ±1,000,000,000,000, the largest a figure may be"},
		{name: "far below", metric: "contract-value", value: "-20000000000000",
			code: CodeValueTooLarge, message: "value -20000000000000 is beyond ±1,000,000,000,000, the largest a figure may be"},
		{name: "worked out from the counts", metric: "events-rate", num: "1000000000000", den: "1",
			code: CodeValueTooLarge, message: "value 100000000000000000 is beyond ±1,000,000,000,000, the largest a figure may be"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := *base
			p.Catalogue = cat
			p.Layout.Root = t.TempDir()
			in := header + strings.Join([]string{"E08000009", "1-101234567", "B", "private", "homecare", tc.metric, "2024-25-Q1", tc.num, tc.den, tc.value, ""}, ",") + "\n"
			rep := ingestBytes(t, &p, []byte(in), Options{})
			if tc.code == "" {
				if !rep.Accepted() || len(rep.Problems) > 0 {
					t.Fatalf("accepted %v, problems %v; want accepted with none", rep.Accepted(), rep.Problems)
				}
				return
			}
			if rep.Accepted() || len(rep.Problems) != 1 || rep.Problems[0].Code != tc.code || rep.Problems[0].Message != tc.message {
				t.Fatalf("accepted %v, problems %v; want only %s %q", rep.Accepted(), rep.Problems, tc.code, tc.message)
			}
			if files := parquetFiles(t, p.Layout.Root); len(files) > 0 {
				t.Errorf("rejected file wrote to the warehouse: %v", files)
			}
		})
	}
}

// TestSplitFigures checks the layouts in which a cell after a figure is, or
// is not, taken for the rest of a figure split at an unquoted thousands
// separator.
func TestSplitFigures(t *testing.T) {
	t.Parallel()
	wide := &schemas.Mapping{Columns: map[string]string{"council_code": "LA", "period": "Year"},
		Constant: map[string]string{"service": "homecare"},
		Wide:     map[string]string{"On time": "hc-visits-on-time", "Continuity": "hc-continuity"}}
	tests := []struct {
		name    string
		input   string
		mapping *schemas.Mapping
		split   int // the column of the split figure; 0 for none
	}{
		{name: "a column the format ignores may hold any figure",
			input: "council_code,provider_id,provider_name,service,metric,period,value,target,note\n" +
				"E08000009,1-101234567,B,homecare,hc-visits-on-time,2024-25-Q1,85,100,\n"},
		{name: "semicolons leave commas in figures alone",
			input: "council_code;provider_id;provider_name;service;metric;period;value;note\n" +
				"E08000009;1-101234567;B;homecare;hc-missed-visits;2024-25-Q1;1,000;\n"},
		{name: "tabs likewise",
			input: "council_code\tprovider_id\tprovider_name\tservice\tmetric\tperiod\tvalue\tnote\n" +
				"E08000009\t1-101234567\tB\thomecare\thc-missed-visits\t2024-25-Q1\t1,000\t500\n"},
		{name: "wide figures side by side", mapping: wide,
			input: "LA,Year,On time,Continuity\nE08000009,2024-25,85,100\n"},
		{name: "wide figure split into the next", mapping: wide,
			input: "LA,Year,On time,Continuity\nE08000009,2024-25,1,050\n", split: 3},
		{name: "a provider name after a count",
			input: "council_code,provider_id,service,metric,period,value,provider_name\n" +
				"E08000009,1-101234567,homecare,hc-missed-visits,2024-25-Q1,12,345\n", split: 6},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := testPipeline(t)
			rep := ingestBytes(t, p, []byte(tc.input), Options{Mapping: tc.mapping})
			var splits []Problem
			for _, pr := range rep.Problems {
				if pr.Code == CodeSplitFigure {
					splits = append(splits, pr)
				}
			}
			if tc.split == 0 {
				if !rep.Accepted() || len(splits) > 0 {
					t.Fatalf("accepted %v, problems %v; want accepted with no split figure", rep.Accepted(), rep.Problems)
				}
				return
			}
			if rep.Accepted() || len(splits) != 1 || splits[0].Line != 2 || splits[0].Column != tc.split {
				t.Fatalf("accepted %v, problems %v; want a split figure at line 2, column %d", rep.Accepted(), rep.Problems, tc.split)
			}
			if files := parquetFiles(t, p.Layout.Root); len(files) > 0 {
				t.Errorf("rejected file wrote to the warehouse: %v", files)
			}
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
	big := filepath.Join(dir, "big.csv")
	if err := os.WriteFile(big, bytes.Repeat([]byte("a"), 1024), 0o644); err != nil {
		t.Fatal(err)
	}
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
			want: "open return: stat " + filepath.Join(dir, "nope.csv") + ": no such file or directory",
		},
		{
			name: "a file larger than the limit", path: big, opt: Options{MaxBytes: 100}, code: schemas.ETOOLARGE,
			want: big + " is 1 KiB, larger than the 100 bytes a return may be",
		},
		{
			name: "Welsh council", opt: Options{Council: "Cardiff"}, code: schemas.EINVALID, usage: true,
			want: `council option: "Cardiff" is Cardiff (W06000015), a council in Wales; only councils in England send returns; Yardstick compares the services English councils commission; leave out councils elsewhere`,
		},
		{
			name: "combined authority", opt: Options{Council: "E61000001"}, code: schemas.EINVALID, usage: true,
			want: `council option: "E61000001" is Greater London Authority (E61000001), a strategic regional authority, which commissions none of the services Yardstick compares; send the figures as the council that commissions the service, one of its 33 member councils, such as City of London (E09000001), Barking and Dagenham (E09000002) or Barnet (E09000003)`,
		},
		{
			name: "England", opt: Options{Council: "E92000001"}, code: schemas.EINVALID, usage: true,
			want: `council option: "E92000001" is England, not a council; a return holds councils' own figures: give the GSS code of the council, such as E08000009 for Trafford, and leave out rows for England, regions and other areas`,
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

// storedNothing fails the test if a data folder holds any submission or
// warehouse file: what ingest refuses to read leaves no trace.
func storedNothing(t *testing.T, l schemas.Layout) {
	t.Helper()
	entries, err := os.ReadDir(l.Submissions())
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != ".index" {
			t.Errorf("the submissions folder holds %s", e.Name())
		}
	}
	if files := parquetFiles(t, l.Root); len(files) > 0 {
		t.Errorf("the warehouse holds %v", files)
	}
}

// TestReadLimits checks that a return larger than the limit is refused
// with an error coded too_large, however it arrives, and that nothing of
// it is kept.
func TestReadLimits(t *testing.T) {
	t.Parallel()
	row := "E08000009,1-101234567,Brightwater Care Ltd,private,homecare,hc-visits-on-time,2024-25-Q1,850,1000,85.0,\n"
	tests := []struct {
		name  string
		input io.Reader
		max   int64
		want  string
	}{
		{"one byte over", strings.NewReader(header + row), int64(len(header+row)) - 1,
			"read return: the return is larger than 213 bytes, the most a return may be"},
		{"a stream of zeros", &zeros{left: 1 << 20}, 64 << 10,
			"read return: the return is larger than 64 KiB, the most a return may be"},
		{"a stream of rows", io.MultiReader(strings.NewReader(header), &repeatReader{s: row, left: 1 << 20}), 64 << 10,
			"read return: the return is larger than 64 KiB, the most a return may be"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := testPipeline(t)
			_, err := p.Ingest(context.Background(), tc.input, "big.csv", Options{MaxBytes: tc.max})
			if err == nil || err.Error() != tc.want {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			if got := schemas.ErrorCode(err); got != schemas.ETOOLARGE {
				t.Errorf("code %q, want %q", got, schemas.ETOOLARGE)
			}
			storedNothing(t, p.Layout)
		})
	}
	t.Run("exactly the limit", func(t *testing.T) {
		t.Parallel()
		p := testPipeline(t)
		in := header + row
		rep := ingestBytes(t, p, []byte(in), Options{MaxBytes: int64(len(in))})
		if !rep.Accepted() {
			t.Errorf("rejected: %v", rep.Problems)
		}
	})
}

// zeros yields left zero bytes, as /dev/zero would for ever.
type zeros struct{ left int }

func (z *zeros) Read(p []byte) (int, error) {
	if z.left == 0 {
		return 0, io.EOF
	}
	n := min(len(p), z.left)
	clear(p[:n])
	z.left -= n
	return n, nil
}

// repeatReader yields s over and over, left bytes in all.
type repeatReader struct {
	s    string
	left int
	off  int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.left == 0 {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && r.left > 0 {
		c := copy(p[n:min(len(p), n+r.left)], r.s[r.off:])
		n, r.left, r.off = n+c, r.left-c, (r.off+c)%len(r.s)
	}
	return n, nil
}

// TestCancelBlockedRead checks that cancelling ingest ends it while the
// return's writer is silent, before any bytes or mid-file, and that
// nothing is kept.
func TestCancelBlockedRead(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		first string // written before the writer goes silent
	}{
		{"nothing written", ""},
		{"a header and a row, then silence", header +
			"E08000009,1-101234567,Brightwater Care Ltd,private,homecare,hc-visits-on-time,2024-25-Q1,850,1000,85.0,\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := testPipeline(t)
			pr, pw := io.Pipe()
			defer pw.Close() // lets the reading goroutine end
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			go func() {
				if tc.first != "" {
					_, _ = pw.Write([]byte(tc.first))
				}
				time.Sleep(100 * time.Millisecond)
				cancel()
			}()
			done := make(chan error, 1)
			go func() {
				_, err := p.Ingest(ctx, pr, "slow.csv", Options{})
				done <- err
			}()
			select {
			case err := <-done:
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("error %v, want context.Canceled", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("ingest did not end when cancelled")
			}
			storedNothing(t, p.Layout)
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
