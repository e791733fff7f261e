package publish

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

var csvSeeds = []string{
	"a,b,c\n1,2,3\n",
	"e,n,q,nl,x\n\"\",,\"a\"\"b\",\"line\ntwo\",x\n",
	"a,b\r\n1,2\r\n",
	"a,b\n1,2",
	"a\n\n",
	"a,\"[x, 'y,z']\"\n",
}

func readRaw(t testing.TB, s string) []*rawRecord {
	t.Helper()
	rr := newRawReader(strings.NewReader(s))
	var out []*rawRecord
	for {
		rec, err := rr.read()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("read %q: %v", s, err)
		}
		out = append(out, rec)
	}
}

func TestRawReader(t *testing.T) {
	t.Parallel()
	tests := []struct {
		Name string
		In   string
		Want [][]string
	}{
		{"plain", "a,b,c\n1,2,3\n", [][]string{{"a", "b", "c"}, {"1", "2", "3"}}},
		{"quoted", "e,n,q,nl\n\"\",,\"a\"\"b\",\"line\ntwo\"\n", [][]string{{"e", "n", "q", "nl"}, {"", "", `a"b`, "line\ntwo"}}},
		{"crlf", "a,b\r\n1,2\r\n", [][]string{{"a", "b"}, {"1", "2"}}},
		{"no final newline", "a,b\n1,2", [][]string{{"a", "b"}, {"1", "2"}}},
		{"trailing comma", "a,\n", [][]string{{"a", ""}}},
	}
	for _, tc := range tests {
		t.Run(tc.Name, func(t *testing.T) {
			var got [][]string
			var out bytes.Buffer
			w := bufio.NewWriter(&out)
			for _, rec := range readRaw(t, tc.In) {
				got = append(got, rec.vals)
				rec.write(w)
			}
			w.Flush()
			if !reflect.DeepEqual(got, tc.Want) {
				t.Errorf("got %q, want %q", got, tc.Want)
			}
			if out.String() != tc.In {
				t.Errorf("rewritten as %q, want the input %q", out.String(), tc.In)
			}
		})
	}
	for _, bad := range []string{"a,\"b\n", "\"a\"b\n"} {
		rr := newRawReader(strings.NewReader(bad))
		if _, err := rr.read(); err == nil {
			t.Errorf("read %q: no error", bad)
		}
	}
}

// FuzzRawReader checks that a record read and written unchanged is the
// same bytes, and that fields agree with encoding/csv where it accepts the
// input.
func FuzzRawReader(f *testing.F) {
	for _, s := range csvSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rr := newRawReader(strings.NewReader(s))
		var out bytes.Buffer
		w := bufio.NewWriter(&out)
		var got [][]string
		for {
			rec, err := rr.read()
			if err == io.EOF {
				break
			}
			if err != nil {
				return
			}
			got = append(got, rec.vals)
			rec.write(w)
		}
		w.Flush()
		if out.String() != s {
			t.Fatalf("rewritten as %q, want %q", out.String(), s)
		}
		// encoding/csv skips empty lines and folds \r\n inside quotes; compare
		// only inputs without either.
		if strings.Contains(s, "\r") || strings.Contains(s, "\n\n") || strings.HasPrefix(s, "\n") {
			return
		}
		r := csv.NewReader(strings.NewReader(s))
		r.FieldsPerRecord = -1
		want, err := r.ReadAll()
		if err != nil || len(want) != len(got) {
			return
		}
		if len(want) > 0 && !reflect.DeepEqual(got, want) {
			t.Errorf("fields %q, encoding/csv reads %q", got, want)
		}
	})
}

func TestParseList(t *testing.T) {
	t.Parallel()
	tests := []struct {
		In   string
		Want []string
	}{
		{"[]", []string{}},
		{"[a]", []string{"a"}},
		{"[E06000001, E08000009]", []string{"E06000001", "E08000009"}},
		{"[a, b c, 'd,e', E06000001]", []string{"a", "b c", "d,e", "E06000001"}},
	}
	for _, tc := range tests {
		got, err := parseList(tc.In)
		if err != nil || !reflect.DeepEqual(got, tc.Want) {
			t.Errorf("parseList(%q) = %q, %v; want %q", tc.In, got, err, tc.Want)
		}
	}
	for _, bad := range []string{"a, b", "['a]"} {
		if _, err := parseList(bad); err == nil {
			t.Errorf("parseList(%q): no error", bad)
		}
	}
}

func TestReshapeCSV(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "providers.csv")
	in := "provider_id,provider_name,provider_sector,councils,note\n" +
		"P1,\"Care, Ltd\",private,\"[E08000009, E08000002]\",\"\"\n" +
		"P2,Other,,,x\n"
	os.WriteFile(path, []byte(in), 0o644)
	if err := reshapeCSV(path, map[string]string{"provider_sector": "sector"}, "councils"); err != nil {
		t.Fatal(err)
	}
	want := "provider_id,provider_name,sector,councils,note\n" +
		"P1,\"Care, Ltd\",private,E08000009;E08000002,\"\"\n" +
		"P2,Other,,,x\n"
	if got, _ := os.ReadFile(path); string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// BenchmarkRawReader reads observation-shaped rows, as revise does for
// every row of a release.
func BenchmarkRawReader(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("council_code,provider_id,provider_name,provider_sector,service,metric,period,numerator,denominator,value,note,period_start,period_end,status,submission_id,source_line,received_at\n")
	for i := range 100_000 {
		sb.WriteString("E06000034,1-195241217,\"Lavenderbrook Care Services, Limited\",private,homecare,hc-visits-on-time,2023-24-Q1,7684,9818,78.3,\"\",2023-04-01,2023-06-30,\"\",20261122T063509.849654Z-142b3dbb,")
		sb.WriteString(strconv.Itoa(i))
		sb.WriteString(",2026-11-22 06:35:09.849654\n")
	}
	in := sb.String()
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		rr := newRawReader(strings.NewReader(in))
		for {
			if _, err := rr.read(); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
	}
}

// FuzzCountRecords checks that countRecords counts the records rawReader
// reads, wherever rawReader reads the input without an error.
func FuzzCountRecords(f *testing.F) {
	for _, s := range csvSeeds {
		f.Add(s)
	}
	for _, s := range []string{"", "\n", "a\"b\nc\n", "\"a\"\"\nb\"\n", "\"\"\n\"\"\"\"\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rr := newRawReader(strings.NewReader(s))
		want := 0
		for {
			_, err := rr.read()
			if err == io.EOF {
				break
			}
			if err != nil {
				return
			}
			want++
		}
		got, err := countRecords(strings.NewReader(s))
		if err != nil || got != want {
			t.Errorf("countRecords(%q) = %d, %v; rawReader reads %d records", s, got, err, want)
		}
	})
}

func TestCountCSV(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "comparisons.csv")
	os.WriteFile(path, []byte("metric,note,status\nm,\"a, \"\"b\"\"\nc\",\nm,,\"[c]\"\n"), 0o644)
	if n, err := countCSV(path, "metric", "status"); n != 2 || err != nil {
		t.Errorf("countCSV = %d, %v; want 2 records", n, err)
	}
	if _, err := countCSV(path, "value"); err == nil {
		t.Error("countCSV with a column the header lacks: no error")
	}
}
