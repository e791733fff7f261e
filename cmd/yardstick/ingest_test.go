package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const goodReturn = "council_code,provider_id,provider_name,provider_sector,service,metric,period,numerator,denominator,value,note\n" +
	"E08000009,1-101234567,Brightwater Care Ltd,private,homecare,hc-visits-on-time,2024-25-Q1,850,1000,85.0,\n"

// runIngestWith runs the ingest command with stdin as standard input.
func runIngestWith(t *testing.T, stdin io.Reader, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &env{stdin: stdin, stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
	code := runIngest(context.Background(), e, args)
	return code, out.String(), errOut.String()
}

// manifests lists the manifests of the submissions a data folder holds.
func manifests(t *testing.T, data string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(data, "submissions", "*", "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestIngestStdin checks that - reads a return from standard input, once.
func TestIngestStdin(t *testing.T) {
	t.Parallel()
	data := filepath.Join(t.TempDir(), "data")
	code, stdout, stderr := runIngestWith(t, strings.NewReader(goodReturn), "--data", data, "-")
	if code != exitOK || !strings.HasPrefix(stdout, "standard input: accepted as submission ") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	stored, _ := filepath.Glob(filepath.Join(data, "submissions", "*", "stdin.csv"))
	if len(stored) != 1 {
		t.Fatalf("stored %v, want one stdin.csv", stored)
	}
	if b, err := os.ReadFile(stored[0]); err != nil || string(b) != goodReturn {
		t.Errorf("stored %q (%v), want the bytes sent", b, err)
	}
}

// TestIngestRefusedUpFront checks that every file is checked before any is
// read: one that cannot be read stops the batch before the first file is
// ingested.
func TestIngestRefusedUpFront(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := filepath.Join(dir, "good.csv")
	if err := os.WriteFile(good, []byte(goodReturn), 0o644); err != nil {
		t.Fatal(err)
	}
	folder, err := os.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { folder.Close() })
	tests := []struct {
		name  string
		stdin io.Reader
		args  []string
		want  string
	}{
		{"a folder after a good file", nil, []string{good, dir}, "yardstick ingest: " + dir + ": " + dir + " is a folder, not a file"},
		{"a missing file after a good file", nil, []string{good, filepath.Join(dir, "nope.csv")}, "no such file or directory"},
		{"standard input twice", strings.NewReader(goodReturn), []string{"-", good, "-"}, "yardstick ingest: -: standard input (-) can be read only once"},
		{"standard input a folder", folder, []string{good, "-"}, "yardstick ingest: -: standard input is a folder, not a return"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			data := filepath.Join(t.TempDir(), "data")
			code, stdout, stderr := runIngestWith(t, tc.stdin, append([]string{"--data", data}, tc.args...)...)
			if code != exitUsage || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d stderr %q; want %d and %q", code, stderr, exitUsage, tc.want)
			}
			if stdout != "" || len(manifests(t, data)) > 0 {
				t.Errorf("a file was ingested before the refusal:\n%s", stdout)
			}
		})
	}
}

// TestIngestFlagsAfterFiles checks that flags may follow the file names
// (issue 12, item 9): "ingest FILE --data DIR" stores FILE in DIR, not in
// the default folder, and a bad flag anywhere stops the command before any
// file is read.
func TestIngestFlagsAfterFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := filepath.Join(dir, "good.csv")
	if err := os.WriteFile(good, []byte(goodReturn), 0o644); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	code, stdout, stderr := runIngestWith(t, nil, good, "--data", data, "--json")
	if code != exitOK || len(manifests(t, data)) != 1 || !strings.HasPrefix(stdout, "{") {
		t.Fatalf("ingest FILE --data DIR --json: exit %d, %d submissions in DIR\n%s%s", code, len(manifests(t, data)), stdout, stderr)
	}
	other := filepath.Join(dir, "other")
	code, stdout, stderr = runIngestWith(t, nil, "--data", other, good, "--no-such-flag")
	if code != exitUsage || !strings.Contains(stderr, "no-such-flag") || stdout != "" || len(manifests(t, other)) != 0 {
		t.Errorf("a bad flag after the file: exit %d, %d submissions\n%s%s", code, len(manifests(t, other)), stdout, stderr)
	}
	// After "--" a name that starts with a dash is a file.
	code, _, stderr = runIngestWith(t, nil, "--data", other, "--", "--json")
	if code != exitUsage || !strings.Contains(stderr, "yardstick ingest: --json: ") {
		t.Errorf(`"-- --json": exit %d, stderr %q; want --json taken for a (missing) file`, code, stderr)
	}
}

// TestIngestReportsEveryFile checks that in a batch every file is reported
// on: each file that cannot be read is named before anything is read, and
// a file that fails while it is read does not stop the files after it.
func TestIngestReportsEveryFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := filepath.Join(dir, "good.csv")
	if err := os.WriteFile(good, []byte(goodReturn), 0o644); err != nil {
		t.Fatal(err)
	}
	second := filepath.Join(dir, "second.csv")
	if err := os.WriteFile(second, []byte(strings.ReplaceAll(goodReturn, "850,1000,85.0", "800,1000,80.0")), 0o644); err != nil {
		t.Fatal(err)
	}
	missing1, missing2 := filepath.Join(dir, "nope1.csv"), filepath.Join(dir, "nope2.csv")
	data := filepath.Join(dir, "data")
	code, stdout, stderr := runIngestWith(t, nil, "--data", data, good, missing1, second, missing2)
	if code != exitUsage || !strings.Contains(stderr, missing1) || !strings.Contains(stderr, missing2) ||
		!strings.Contains(stderr, "2 files of 4 cannot be read; no file was ingested") || stdout != "" || len(manifests(t, data)) != 0 {
		t.Errorf("two missing files: exit %d, %d submissions\nstdout %q\nstderr %q", code, len(manifests(t, data)), stdout, stderr)
	}

	// Standard input that breaks off while it is read: the file after it
	// is still ingested, and the summary counts both.
	broken := io.MultiReader(strings.NewReader(goodReturn), errReader{})
	code, stdout, stderr = runIngestWith(t, broken, "--data", data, "-", second)
	if code != exitUsage || !strings.Contains(stderr, "yardstick ingest: -: ") || !strings.Contains(stdout, second+": accepted") ||
		!strings.Contains(stdout, "2 returns: 1 accepted, 0 rejected, 1 not stored") || len(manifests(t, data)) != 1 {
		t.Errorf("broken standard input then a good file: exit %d, %d submissions\nstdout %q\nstderr %q", code, len(manifests(t, data)), stdout, stderr)
	}
}

// errReader fails every read, as a connection that drops does.
type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

// TestIngestHelp checks that "ingest -h" tells an officer with only the
// binary the exit statuses, the columns and how a return replaces the
// last (issue 12, item 9), and does not send them to the catalogue's
// source file.
func TestIngestHelp(t *testing.T) {
	t.Parallel()
	code, _, stderr := runIngestWith(t, nil, "-h")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"Exit status: 0", "1 when a return was rejected", "2 when",
		"council_code, provider_id, provider_name, provider_sector, service, metric, period, numerator, denominator, value, note",
		"replaces the council's earlier return", "-mapping", "after the files"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("ingest -h does not say %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, "schemas/") {
		t.Errorf("ingest -h points at a source file:\n%s", stderr)
	}
}
