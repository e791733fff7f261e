package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// TestSampleThenIngest drives the binary's entry point from sample returns
// to the warehouse, as the README's first command does.
func TestSampleThenIngest(t *testing.T) {
	dir := t.TempDir()
	returns := filepath.Join(dir, "returns")
	if code, _, stderr := runCmd(t, "sample", "--rows", "3000", "--seed", "3", returns); code != exitOK {
		t.Fatalf("sample exit %d: %s", code, stderr)
	}
	files, _ := filepath.Glob(filepath.Join(returns, "*.csv"))
	if len(files) == 0 {
		t.Fatal("sample wrote no files")
	}
	data := filepath.Join(dir, "data")
	code, stdout, stderr := runCmd(t, append([]string{"ingest", "--data", data}, files...)...)
	if code != exitOK {
		t.Fatalf("ingest exit %d\n%s\n%s", code, stdout, stderr)
	}
	if n := strings.Count(stdout, ": accepted as submission "); n != len(files) {
		t.Errorf("%d files accepted, want %d:\n%s", n, len(files), stdout)
	}
	parquet, _ := filepath.Glob(filepath.Join(data, "warehouse", "observations", "period=*", "*.parquet"))
	if len(parquet) == 0 {
		t.Error("no warehouse files")
	}
}

func TestIngestRejected(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("council_code,service,metric,period,value\nE08000009,homecare,hc-visits-on-time,2031-32-Q1,85\n"), 0o644)
	code, stdout, _ := runCmd(t, "ingest", "--data", filepath.Join(dir, "data"), bad)
	if code != exitRejected {
		t.Fatalf("exit %d, want %d", code, exitRejected)
	}
	want := "line 2, column 4 (period): error: period 2031-32-Q1 starts on 2031-04-01, which is in the future"
	if !strings.Contains(stdout, want) {
		t.Errorf("output lacks %q:\n%s", want, stdout)
	}
	code, stdout, _ = runCmd(t, "ingest", "--json", "--data", filepath.Join(dir, "data2"), bad)
	var rep struct {
		Status   string `json:"status"`
		Problems []struct {
			Line int    `json:"line"`
			Code string `json:"code"`
		} `json:"problems"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("--json output is not a report: %v\n%s", err, stdout)
	}
	if code != exitRejected || rep.Status != "rejected" || len(rep.Problems) != 1 || rep.Problems[0].Code != "future_period" {
		t.Errorf("exit %d report %+v", code, rep)
	}
}

func TestUsageErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown command", []string{"frobnicate"}, `yardstick: unknown command "frobnicate"`},
		{"ingest without files", []string{"ingest", "--data", dir}, "yardstick ingest: name at least one return file"},
		{"missing file", []string{"ingest", "--data", dir, filepath.Join(dir, "nope.csv")}, "no such file or directory"},
		{"unknown council", []string{"ingest", "--data", dir, "--council", "Atlantis", "run_test.go"}, `--council: unknown council: "Atlantis"`},
		{"bad mapping", []string{"ingest", "--data", dir, "--mapping", filepath.Join(dir, "nope.yaml"), "run_test.go"}, "open mapping"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCmd(t, tc.args...)
			if code != exitUsage || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d stderr %q; want %d and %q", code, stderr, exitUsage, tc.want)
			}
		})
	}
}

func TestDemoRefusesForeignFolder(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "precious.csv"), []byte("x"), 0o644)
	code, _, stderr := runCmd(t, "demo", "--data", dir)
	if code != exitUsage || !strings.Contains(stderr, "already holds files the demo did not make") {
		t.Errorf("exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "precious.csv")); err != nil {
		t.Error("demo removed a file it did not make")
	}
}

func TestDemo(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	code, stdout, stderr := runCmd(t, "demo", "--data", dir, "--rows", "2000", "--no-serve")
	if code != exitOK || !strings.Contains(stdout, "0 rejected") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	count := func(pattern string) int {
		m, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			t.Fatal(err)
		}
		return len(m)
	}
	returns, submissions, releases := count("sample-returns/*.csv"), count("submissions/*/manifest.json"), count("releases/*")
	if returns == 0 || submissions != returns || releases != 1 {
		t.Fatalf("first demo: %d returns, %d submissions, %d releases", returns, submissions, releases)
	}
	// A second run clears the first: the same counts, not twice as many.
	if code, _, stderr := runCmd(t, "demo", "--data", dir, "--rows", "2000", "--no-serve"); code != exitOK {
		t.Fatalf("second demo exit %d: %s", code, stderr)
	}
	if r, s, rel := count("sample-returns/*.csv"), count("submissions/*/manifest.json"), count("releases/*"); r != returns || s != submissions || rel != 1 {
		t.Errorf("after the second demo: %d returns, %d submissions, %d releases; want %d, %d, 1", r, s, rel, returns, submissions)
	}
}

// TestHelpCommand checks that "yardstick help ingest" shows the ingest
// command's flags, as "yardstick ingest -h" does, not the general help.
func TestHelpCommand(t *testing.T) {
	t.Parallel()
	code, _, stderr := runCmd(t, "help", "ingest")
	_, _, direct := runCmd(t, "ingest", "-h")
	if code != exitOK || stderr != direct || !strings.Contains(stderr, "-mapping") {
		t.Errorf("help ingest: exit %d\n%s\nwant what ingest -h prints:\n%s", code, stderr, direct)
	}
}

// TestVersion checks that --version names the build: the program, a
// version and the Go release it was built with.
func TestVersion(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"--version", "version"} {
		code, stdout, _ := runCmd(t, arg)
		if code != exitOK || !strings.HasPrefix(stdout, "yardstick ") || !strings.Contains(stdout, " go1.") || strings.Count(stdout, "\n") != 1 {
			t.Errorf("%s: exit %d, %q", arg, code, stdout)
		}
	}
}
