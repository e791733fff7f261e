package ingest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/parquet-go/parquet-go"
)

// Tests of the shortcuts the hot path takes: each gives what the long way
// gives, worked out here by hand.

func TestTotalName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		want bool
	}{
		{"All providers", true},
		{"  ALL   PROVIDERS  ", true},
		{"Grand-Total", true},       // "grand total"
		{"Sub_total", true},         // "sub total"
		{"subtotal", true},          // a name of its own
		{"(Council total)", true},   // "council total"
		{"LA total:", true},         // "la total"
		{"Total Care Ltd", false},   // a provider whose name begins with Total
		{"Totals 2024", false},      // "totals 2024" is not "totals"
		{"All Saints Care", false},  //
		{"Gr\u00e4nd total", false}, // ä is not a letter a-z: "gr nd total"
		{"\u212Aall", false},        // the Kelvin sign lowers to k: "kall"
		{"Tot\u212Al", false},       // "totkl"
		{"Sum", true},
		{"", false},
		{"all" + strings.Repeat(" ", 37) + "x", false},    // 41 bytes: too long to be a total
		{"all providers" + strings.Repeat(".", 27), true}, // 40 bytes
	}
	for _, tt := range tests {
		if got := totalName(tt.name); got != tt.want {
			t.Errorf("totalName(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestPlainCount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		s    string
		n    int64
		want bool
	}{
		{"0", 0, true},
		{"2802", 2802, true},
		{"007", 7, true},
		{"999999999999", 999_999_999_999, true}, // 12 digits, below MaxCount
		{"1000000000000", 0, false},             // 13 digits: the long way checks MaxCount
		{"", 0, false},                          // blank is a marker
		{"1,234", 0, false},
		{"12.0", 0, false},
		{"-3", 0, false},
		{" 5", 0, false},
		{"5x", 0, false},
	}
	for _, tt := range tests {
		if n, ok := plainCount(tt.s); n != tt.n || ok != tt.want {
			t.Errorf("plainCount(%q) = %d, %v; want %d, %v", tt.s, n, ok, tt.n, tt.want)
		}
	}
}

// oneByteReader hands over its bytes one at a time.
type oneByteReader struct{ b []byte }

func (r *oneByteReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	p[0] = r.b[0]
	r.b = r.b[1:]
	return 1, nil
}

// TestTextReaderKeepsBuffers checks that the text reader, whose buffers
// are reused from read to read, gives the same text whether its reader
// hands over a byte at a time (every character split across reads) or
// the whole file at once, in UTF-8 and in Windows-1252.
func TestTextReaderKeepsBuffers(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a,b,c\n", 30000) // past one read of textReadSize
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		// 0x93 and 0x94 are Windows-1252's curly double quotes, 0xA3 the
		// pound sign and 0x80 the euro sign.
		{"cp1252", []byte("x,\x93Care\x94,\xa312\n" + long + "\x80\n"), "x,\u201cCare\u201d,\u00a312\n" + long + "\u20ac\n"},
		{"utf8", []byte("\xef\xbb\xbfx,\u201cCare\u201d,\u00a312\n" + long + "\u20ac\n"), "x,\u201cCare\u201d,\u00a312\n" + long + "\u20ac\n"},
	}
	for _, tt := range tests {
		for _, src := range []struct {
			name string
			r    io.Reader
		}{{"whole", bytes.NewReader(tt.in)}, {"bytewise", &oneByteReader{tt.in}}} {
			got, err := io.ReadAll(newTextReader(src.r))
			if err != nil {
				t.Fatalf("%s %s: %v", tt.name, src.name, err)
			}
			if string(got) != tt.want {
				t.Errorf("%s %s: %d bytes differ from the %d wanted", tt.name, src.name, len(got), len(tt.want))
			}
		}
	}
}

// TestReadAheadKeepsProblemOrder checks that the problems decoding finds
// between rows are reported with the rows' own, line by line, when there
// are more of them between two rows than a batch holds: in a return small
// enough to be read whole before its rows are checked, and in one decoded
// while they are.
func TestReadAheadKeepsProblemOrder(t *testing.T) {
	t.Parallel()
	for _, goodRows := range []int{2 * aheadRows, 3000} {
		t.Run(fmt.Sprint(goodRows), func(t *testing.T) {
			t.Parallel()
			var b strings.Builder
			b.WriteString(header)
			good := "E08000009,1-101234567,Acme Care,private,homecare,hc-visits-on-time,2024-25-Q1,40,50,,\n"
			b.WriteString(good) // line 2
			const short = aheadProblems + 44
			for range short { // lines 3 to 302: one field short
				b.WriteString("E08000009,1-101234567,Acme Care,private,homecare,hc-visits-on-time,2024-25-Q1,40,50\n")
			}
			b.WriteString(strings.Replace(good, "hc-visits-on-time", "no-such-metric", 1)) // line 303
			for i := range goodRows {                                                      // lines 304 on: good rows
				fmt.Fprintf(&b, "E08000009,1-1%08d,Care %d,private,homecare,hc-visits-on-time,2024-25-Q1,40,50,,\n", i, i)
			}
			b.WriteString("Source: the council\n") // the last line
			footer := 304 + goodRows
			if small := b.Len() < 128<<10; small != (goodRows < 1000) {
				t.Fatalf("a return of %d bytes: small is %v", b.Len(), small)
			}
			p := testPipeline(t)
			rep := ingestBytes(t, p, []byte(b.String()), Options{})
			if rep.Accepted() {
				t.Fatal("accepted a return with errors")
			}
			var got []string
			for _, pr := range rep.Problems {
				got = append(got, fmt.Sprintf("%d %s", pr.Line, pr.Code))
			}
			var want []string
			for l := 3; l < 3+short; l++ {
				want = append(want, fmt.Sprintf("%d %s", l, CodeFieldCount))
			}
			want = append(want, fmt.Sprintf("303 %s", CodeMetric), fmt.Sprintf("%d %s", footer, CodeFooterRow))
			if !slices.Equal(got, want) {
				t.Errorf("problems (%d):\n%q\nwant (%d):\n%q", len(got), got[max(0, len(got)-4):], len(want), want[len(want)-4:])
			}
		})
	}
}

// TestReadAheadEndsWhenCancelled checks that a cancelled ingest of a
// return still being read (a pipe gone silent) ends, and leaves no
// incoming folder behind: the ingest's context stops the reader. Checks
// that end early for another reason stop it through the pipeline's
// stopReading, which this test does not reach.
func TestReadAheadEndsWhenCancelled(t *testing.T) {
	t.Parallel()
	pr, pw := io.Pipe()
	defer pr.Close()
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		pw.Write([]byte(header))
		for i := range 5000 {
			fmt.Fprintf(pw, "E08000009,1-1%08d,Care %d,private,homecare,hc-visits-on-time,2024-25-Q1,40,50,,\n", i, i)
		}
		cancel() // with the writer silent from here on
	}()
	p := testPipeline(t)
	_, err := p.Ingest(ctx, pr, "return.csv", Options{})
	if err == nil {
		t.Fatal("cancelled ingest succeeded")
	}
	entries, _ := os.ReadDir(filepath.Join(p.Layout.Submissions(), ".incoming"))
	for _, e := range entries {
		t.Errorf("left %s in the incoming folder", e.Name())
	}
}

// streamedReturn is a national return of per rows for each of councils
// councils and two periods, grouped by council and then period (so each
// period's rows come back after it was left); order gives the councils'
// order in the return as indexes into the sorted list E08000001,
// E08000002, ... of councils. Row i is provider 1-1<8 digits of i> with
// numerator i % 1000 of 1000.
func streamedReturn(councils []string, order []int, per int) []byte {
	var b strings.Builder
	b.WriteString(header)
	for _, ci := range order {
		for _, period := range natPeriods {
			for i := range per {
				n := i % 1000
				fmt.Fprintf(&b, "%s,1-1%08d,Provider %d,private,homecare,hc-visits-on-time,%s,%d,1000,,\n",
					councils[ci], i, i, period, n)
			}
		}
	}
	return []byte(b.String())
}

// TestStreamedPeriods checks the files of national returns large enough
// that their periods are written as the rows come (stream.go): with the
// councils in order, so the streams stand; with the last council coming
// back to the first period after the others, and with the councils in
// reverse order, so they fall and the periods are written at the end.
// Either way each period's file has every row, sorted by council and,
// within a council, in the order of the return, in row groups of 4,096
// rows: worked out here from the return's layout alone.
func TestStreamedPeriods(t *testing.T) {
	// Counts the streams kept through failpoint, so not parallel.
	councils := []string{"E06000001", "E06000002", "E06000003", "E06000004", "E06000005", "E06000006", "E06000007"}
	const per = 1500 // 7 x 2 x 1,500 = 21,000 rows, some 1.5 MB of spill
	var kept atomic.Int32
	failpoint = func(step string) {
		if step == "period-streamed" {
			kept.Add(1)
		}
	}
	t.Cleanup(func() { failpoint = nil })
	inOrder := []int{0, 1, 2, 3, 4, 5, 6}
	tests := []struct {
		name  string
		data  []byte
		kept  int32
		order []int // the councils' order in the return
	}{
		{"councils in order", streamedReturn(councils, inOrder, per), 2, inOrder},
		{"reverse order", streamedReturn(councils, []int{6, 5, 4, 3, 2, 1, 0}, per), 0, []int{6, 5, 4, 3, 2, 1, 0}},
		{"a council comes back", func() []byte {
			b := streamedReturn(councils, inOrder, per)
			// Another provider of the first council in the first period,
			// after every other row.
			return append(b, fmt.Sprintf("%s,1-199999999,Late Provider,private,homecare,hc-visits-on-time,%s,1,1000,,\n", councils[0], natPeriods[0])...)
		}(), 1, inOrder},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kept.Store(0)
			p := testPipeline(t)
			rep := ingestBytes(t, p, tt.data, Options{})
			if !rep.Accepted() {
				t.Fatalf("rejected: %v", rep.Problems[:min(3, len(rep.Problems))])
			}
			if got := kept.Load(); got != tt.kept {
				t.Errorf("%d periods streamed, want %d", got, tt.kept)
			}
			late := tt.name == "a council comes back"
			for pi, period := range natPeriods {
				path := p.Layout.ObservationPeriodFile(period, "", rep.Submission)
				rows, err := parquet.ReadFile[Observation](path)
				if err != nil {
					t.Fatal(err)
				}
				n := len(councils) * per
				if late && pi == 0 {
					n++
				}
				if len(rows) != n {
					t.Fatalf("%s: %d rows, want %d", period, len(rows), n)
				}
				k := 0
				for ci, c := range councils {
					pos := slices.Index(tt.order, ci) // the council's place in the return
					for i := range per {
						o := rows[k]
						line := int64(2 + (pos*len(natPeriods)+pi)*per + i)
						if o.CouncilCode != c || o.ProviderID != fmt.Sprintf("1-1%08d", i) || o.SourceLine != line ||
							o.Numerator == nil || *o.Numerator != int64(i%1000) {
							t.Fatalf("%s row %d: %s %s line %d num %v; want %s 1-1%08d line %d num %d",
								period, k, o.CouncilCode, o.ProviderID, o.SourceLine, deref(o.Numerator), c, i, line, i%1000)
						}
						k++
					}
					if late && pi == 0 && ci == 0 {
						if o := rows[k]; o.ProviderID != "1-199999999" || o.SourceLine != int64(2+len(councils)*len(natPeriods)*per) {
							t.Fatalf("%s row %d: %s line %d, want the late row", period, k, o.ProviderID, o.SourceLine)
						}
						k++
					}
				}
				groups := rowGroupSizes(t, path)
				var want []int64
				for left := int64(n); left > 0; left -= 4096 {
					want = append(want, min(left, 4096))
				}
				if !slices.Equal(groups, want) {
					t.Errorf("%s: row groups %v, want %v", period, groups, want)
				}
			}
			whNoTempFiles(t, p.Layout.Root)
		})
	}
}

// rowGroupSizes returns the rows of each row group of a Parquet file.
func rowGroupSizes(t *testing.T, path string) []int64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	var out []int64
	for _, rg := range pf.Metadata().RowGroups {
		out = append(out, rg.NumRows)
	}
	return out
}

// TestPlainRun checks that plainRun stops at the first line end, NUL or
// byte that is not ASCII, at every position of a buffer and from every
// start, and runs to the end of a buffer with none: a stop byte at
// position p of a run of 'a's is found at p from any start at or before
// it.
func TestPlainRun(t *testing.T) {
	t.Parallel()
	for _, stop := range []byte{'\n', 0, 0x80, 0xC3, 0xFF} {
		for n := 0; n <= 20; n++ {
			for p := 0; p < n; p++ {
				b := bytes.Repeat([]byte("a"), n)
				b[p] = stop
				for i := 0; i <= p; i++ {
					if got := plainRun(b, i); got != p {
						t.Fatalf("stop %#x at %d of %d, from %d: got %d", stop, p, n, i, got)
					}
				}
				if got := plainRun(b, p+1); got != n {
					t.Fatalf("stop %#x at %d of %d, from %d: got %d, want the end", stop, p, n, p+1, got)
				}
			}
		}
	}
	// Bytes that look like stops to a careless test: 0x7F, 0x01, 0x0B
	// (one above a line end) and 0x09 (one below).
	b := []byte("\x7f\x01\x0b\x09\x7f\x01\x0b\x09\x7f\x01\x0b\x09\n")
	if got := plainRun(b, 0); got != len(b)-1 {
		t.Errorf("plainRun stopped at %d, want %d", got, len(b)-1)
	}
}
