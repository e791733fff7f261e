package ingest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestBadInputCorpus ingests every file of testdata/badinput, the corpus of
// what careless and hostile submitters send (issue 12): each line of
// expected.tsv names a file and a problem its report must have, by code,
// line and severity, worked out by hand from the file; "- 0 none" says the
// file is accepted with no problem at all. A file whose name ends in .gz
// is kept compressed here (a 10 MB line compresses to 10 kB) and the bytes
// inside are what is sent.
//
// A file with an expected error must be rejected, keep its bytes as
// received and leave nothing in the data folder but its submission (no
// warehouse file, no temporary or spill file). A file with only expected
// warnings must be accepted, and its text cells (provider names and
// notes, where formulas and script are sent) must reach the warehouse as
// received, as encoding/csv reads them and trimmed of the spaces around
// them as every cell is. Every file of the folder must be listed, so none
// is left unchecked.
func TestBadInputCorpus(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("testdata", "badinput")
	type want struct {
		code, severity string
		line           int
	}
	expected := map[string][]want{}
	for n, fields := range readTSV(t, filepath.Join(dir, "expected.tsv")) {
		line, err := strconv.Atoi(fields[min(2, len(fields)-1)])
		if len(fields) != 4 || err != nil || !slices.Contains([]string{string(SevError), string(SevWarning), "none"}, fields[3]) {
			t.Fatalf("expected.tsv, entry %d: want file, code, line and severity (error, warning or none), tab-separated: %q", n+1, fields)
		}
		expected[fields[0]] = append(expected[fields[0]], want{fields[1], fields[3], line})
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		// sequences/ holds the cases of several files each, which
		// TestBadInputSequences sends in order.
		if e.Name() != "expected.tsv" && !e.IsDir() {
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
			input := corpusBytes(t, filepath.Join(dir, name))
			p := *base
			p.Layout.Root = t.TempDir()
			rep := ingestBytes(t, &p, input, Options{})
			rejected := false
			for _, w := range wants {
				if w.severity == "none" {
					if len(wants) != 1 || w.code != "-" || w.line != 0 {
						t.Fatalf("expected.tsv: %s: \"none\" is written \"-\t0\tnone\" and alone", name)
					}
					if len(rep.Problems) > 0 || rep.Duplicate != "" {
						t.Errorf("want no problem; the report has:")
						for _, pr := range rep.Problems {
							t.Errorf("  %s %s line %d: %s", pr.Severity, pr.Code, pr.Line, pr.Message)
						}
					}
					continue
				}
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
				checkTextKept(t, p.Layout.Root, input)
				return
			}
			if files := parquetFiles(t, p.Layout.Root); len(files) > 0 {
				t.Errorf("a rejected file reached the warehouse: %v", files)
			}
			if others := filesOutside(t, p.Layout.Root, rep.Submission); len(others) > 0 {
				t.Errorf("a rejected file left files outside its submission: %v", others)
			}
			kept, err := os.ReadFile(filepath.Join(p.Layout.Submission(rep.Submission), "return.csv"))
			if err != nil || !bytes.Equal(kept, input) {
				t.Errorf("the file as received was not kept (%v)", err)
			}
		})
	}
}

// readTSV returns the tab-separated fields of each line of a corpus
// expectations file, passing over blank lines and comments (#).
func readTSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out [][]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "#") || strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		out = append(out, strings.Split(sc.Text(), "\t"))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// corpusBytes returns the bytes a corpus file stands for: the file's own,
// or those inside it when its name ends in .gz.
func corpusBytes(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(path, ".gz") {
		return b
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if b, err = io.ReadAll(zr); err != nil {
		t.Fatal(err)
	}
	return b
}

// filesOutside lists the files of a data folder that are neither in
// submission id's folder nor in the index of received files.
func filesOutside(t *testing.T, root, id string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		switch {
		case rel == filepath.Join("submissions", id), rel == filepath.Join("submissions", ".index"):
			return filepath.SkipDir
		case rel == filepath.Join("warehouse", ".layout.lock"):
			// Taken by every ingest and left behind, as the index's locks are.
		case !d.IsDir():
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// checkTextKept checks that the provider name and note of every warehouse
// row are those of its line of input as encoding/csv reads it (an
// independent reader), trimmed of the spaces around them. Only UTF-8
// files with the canonical header are compared; the delimiter is the one
// of the header line.
func checkTextKept(t *testing.T, root string, input []byte) {
	t.Helper()
	if !utf8.Valid(input) {
		return
	}
	head, _, _ := bytes.Cut(input, []byte("\n"))
	r := csv.NewReader(bytes.NewReader(input))
	switch {
	case bytes.Contains(head, []byte("\t")):
		r.Comma = '\t'
	case bytes.Contains(head, []byte(";")):
		r.Comma = ';'
	}
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		t.Fatalf("encoding/csv: %v", err)
	}
	name, note := slices.Index(header, "provider_name"), slices.Index(header, "note")
	if name < 0 || note < 0 {
		return
	}
	byLine := map[int64][2]string{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("encoding/csv: %v", err)
		}
		line, _ := r.FieldPos(0)
		cell := func(i int) string {
			if i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		byLine[int64(line)] = [2]string{cell(name), cell(note)}
	}
	rows, err := whDuckDB(t).Query("SELECT source_line, provider_name, note FROM read_parquet(" + whGlob(root) + ", hive_partitioning=false)")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var line int64
		var got [2]string
		if err := rows.Scan(&line, &got[0], &got[1]); err != nil {
			t.Fatal(err)
		}
		n++
		want, ok := byLine[line]
		if !ok {
			t.Errorf("warehouse row from line %d, which holds no record", line)
		} else if got != want {
			t.Errorf("line %d: stored name and note %q, sent %q", line, clipped(got), clipped(want))
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Errorf("an accepted file left no row in the warehouse")
	}
}

// clipped shortens long cells (a megabyte note) for a message.
func clipped(s [2]string) [2]string {
	for i := range s {
		if len(s[i]) > 80 {
			s[i] = s[i][:80] + "…"
		}
	}
	return s
}

// TestBadInputSequences sends the files of each folder of
// testdata/badinput/sequences in name order, as a council sends a return
// and then corrections, or sends an earlier file again. steps.tsv gives,
// for each file, a problem its report must have by code, line and
// severity, with a detail: for withdraws_rows and current_again, texts the
// message must hold ("|"-separated; a file name stands for its submission
// id, and for current_again the first names the submission reinstated);
// "duplicate" with severity none names the file it is a duplicate of; "-
// 0 none" says accepted with no problem. current.tsv lists, worked out by
// hand, the rows publish takes afterwards: for each council, period and
// service, those of the latest accepted submission (DESIGN, "Ingest never
// deletes or rewrites"), read here with DuckDB. Every warehouse file must
// belong to an accepted, stored submission: none to a rejected file or a
// duplicate.
func TestBadInputSequences(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("testdata", "badinput", "sequences")
	cases, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatal("no sequences")
	}
	for _, c := range cases {
		t.Run(c.Name(), func(t *testing.T) {
			t.Parallel()
			caseDir := filepath.Join(dir, c.Name())
			steps := readTSV(t, filepath.Join(caseDir, "steps.tsv"))
			files, err := filepath.Glob(filepath.Join(caseDir, "*.csv"))
			if err != nil || len(files) < 2 {
				t.Fatalf("a sequence is at least two files; %s has %d (%v)", caseDir, len(files), err)
			}
			slices.Sort(files)
			p := tickingPipeline(t)
			ids := map[string]string{}    // file name -> submission id
			stored := map[string]string{} // submission id accepted and stored -> its file
			var sent []*Report
			for _, path := range files {
				file := filepath.Base(path)
				input, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				rep, err := p.Ingest(context.Background(), bytes.NewReader(input), file, Options{Submitter: "test"})
				if err != nil {
					t.Fatalf("%s: %v", file, err)
				}
				ids[file] = rep.Submission
				if rep.Accepted() && rep.Duplicate == "" {
					stored[rep.Submission] = file
				}
				sent = append(sent, rep)
			}
			for i, s := range steps {
				if len(s) != 5 {
					t.Fatalf("steps.tsv, entry %d: want file, code, line, severity and detail, tab-separated: %q", i+1, s)
				}
				file, code, severity, detail := s[0], s[1], s[3], s[4]
				line, err := strconv.Atoi(s[2])
				at := slices.IndexFunc(files, func(f string) bool { return filepath.Base(f) == file })
				if err != nil || at < 0 {
					t.Fatalf("steps.tsv, entry %d: no file %s in %s, or line %q is not a number", i+1, file, caseDir, s[2])
				}
				rep := sent[at]
				var texts []string
				for _, d := range strings.Split(detail, "|") {
					if id, ok := ids[d]; ok {
						d = id
					}
					if d != "" {
						texts = append(texts, d)
					}
				}
				switch {
				case code == "-" && severity == "none":
					if !rep.Accepted() || len(rep.Problems) > 0 || rep.Duplicate != "" {
						t.Errorf("%s: status %s, duplicate of %q, problems %v; want accepted with no problem", file, rep.Status, rep.Duplicate, rep.Problems)
					}
				case code == "duplicate" && severity == "none":
					if len(texts) != 1 || rep.Duplicate != texts[0] || rep.Submission != texts[0] {
						t.Errorf("%s: duplicate of %q, submission %s; want a duplicate of %s", file, rep.Duplicate, rep.Submission, detail)
					}
				default:
					k := slices.IndexFunc(rep.Problems, func(pr Problem) bool {
						return pr.Code == code && pr.Line == line && string(pr.Severity) == severity
					})
					if k < 0 {
						t.Errorf("%s: no %s %s on line %d; the report has %v", file, severity, code, line, rep.Problems)
						continue
					}
					for _, text := range texts {
						if !strings.Contains(rep.Problems[k].Message, text) {
							t.Errorf("%s: %s says %q; it should name %q", file, code, rep.Problems[k].Message, text)
						}
					}
					if code == CodeCurrentAgain && (len(texts) == 0 || rep.Reinstates != texts[0]) {
						t.Errorf("%s: reinstates %q, want %v", file, rep.Reinstates, texts)
					}
					if severity == string(SevError) && rep.Accepted() {
						t.Errorf("%s: accepted with an error", file)
					}
				}
			}
			for _, f := range files {
				if !slices.ContainsFunc(steps, func(s []string) bool { return s[0] == filepath.Base(f) }) {
					t.Errorf("%s is not listed in steps.tsv", filepath.Base(f))
				}
			}
			for _, f := range parquetFiles(t, p.Layout.Root) {
				if id := warehouseFileID(filepath.Base(f)); stored[id] == "" {
					t.Errorf("warehouse file %s belongs to no accepted submission stored", f)
				}
			}
			var want []string
			for _, r := range readTSV(t, filepath.Join(caseDir, "current.tsv")) {
				want = append(want, strings.Join(r, " "))
			}
			slices.Sort(want)
			got := publishedRows(t, p.Layout.Root, stored)
			if !slices.Equal(got, want) {
				t.Errorf("current rows\n got %q\nwant %q", got, want)
			}
		})
	}
}

// publishedRows returns the warehouse rows publish takes, the latest
// submission's for each council, period and service by time of receipt
// then id, as "council period service metric provider value file", file
// naming the submission by names (submission id to file name), sorted.
func publishedRows(t *testing.T, root string, names map[string]string) []string {
	t.Helper()
	rows, err := whDuckDB(t).Query(`SELECT council_code, period, service, metric, provider_id, value, submission_id
		FROM read_parquet(` + whGlob(root) + `, hive_partitioning=false)
		QUALIFY dense_rank() OVER (PARTITION BY council_code, period, service ORDER BY received_at DESC, submission_id DESC) = 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var council, period, service, metric, provider, id string
		var value float64
		if err := rows.Scan(&council, &period, &service, &metric, &provider, &value, &id); err != nil {
			t.Fatal(err)
		}
		out = append(out, strings.Join([]string{council, period, service, metric, provider,
			strconv.FormatFloat(value, 'f', -1, 64), names[id]}, " "))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}
