package main

import (
	"bytes"
	"context"
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
