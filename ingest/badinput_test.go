package ingest

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestBadInputCorpus ingests every file of testdata/badinput, the corpus of
// what careless and hostile submitters send (issue 12): each line of
// expected.tsv names a file and a problem its report must have, by code,
// line and severity, worked out by hand from the file. A file with an
// expected error must be rejected, keep its bytes as received and put
// nothing in the warehouse; a file with only expected warnings must be
// accepted. Every file of the folder must be listed, so none is left
// unchecked.
func TestBadInputCorpus(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("testdata", "badinput")
	type want struct {
		code, severity string
		line           int
	}
	expected := map[string][]want{}
	f, err := os.Open(filepath.Join(dir, "expected.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		if strings.HasPrefix(sc.Text(), "#") || strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		fields := strings.Split(sc.Text(), "\t")
		line, err := strconv.Atoi(fields[min(2, len(fields)-1)])
		if len(fields) != 4 || err != nil || (fields[3] != string(SevError) && fields[3] != string(SevWarning)) {
			t.Fatalf("expected.tsv:%d: want file, code, line and severity, tab-separated: %q", n, sc.Text())
		}
		expected[fields[0]] = append(expected[fields[0]], want{fields[1], fields[3], line})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.Name() != "expected.tsv" {
			names = append(names, e.Name())
		}
	}
	for name := range expected {
		if !slices.Contains(names, name) {
			t.Errorf("expected.tsv lists %s, which is not in %s", name, dir)
		}
	}
	if len(names) < 150 {
		t.Errorf("the corpus has %d files; issue 12 asks for at least 150", len(names))
	}
	base := testPipeline(t)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			wants := expected[name]
			if len(wants) == 0 {
				t.Fatalf("%s is not listed in expected.tsv", name)
			}
			input, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			p := *base
			p.Layout.Root = t.TempDir()
			rep := ingestBytes(t, &p, input, Options{})
			rejected := false
			for _, w := range wants {
				rejected = rejected || w.severity == string(SevError)
				found := slices.ContainsFunc(rep.Problems, func(pr Problem) bool {
					return pr.Code == w.code && pr.Line == w.line && string(pr.Severity) == w.severity
				})
				if !found {
					t.Errorf("no %s %s on line %d; the report has:", w.severity, w.code, w.line)
					for _, pr := range rep.Problems {
						t.Errorf("  %s %s line %d: %s", pr.Severity, pr.Code, pr.Line, pr.Message)
					}
				}
			}
			if rejected == rep.Accepted() {
				t.Errorf("accepted %v, want %v", rep.Accepted(), !rejected)
			}
			if !rejected {
				return
			}
			if files := parquetFiles(t, p.Layout.Root); len(files) > 0 {
				t.Errorf("a rejected file reached the warehouse: %v", files)
			}
			kept, err := os.ReadFile(filepath.Join(p.Layout.Submission(rep.Submission), "return.csv"))
			if err != nil || !bytes.Equal(kept, input) {
				t.Errorf("the file as received was not kept (%v)", err)
			}
		})
	}
}
