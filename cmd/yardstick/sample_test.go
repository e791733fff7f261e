package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSampleCommand(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		Name      string
		Args      func(dir string) []string
		Code      int
		Stdout    string // substring
		Stderr    string // substring
		WantFiles int    // at least, in dir
	}{
		{
			Name:   "files",
			Args:   func(dir string) []string { return []string{"sample", "--rows", "2000", "--seed", "3", dir} },
			Code:   exitOK,
			Stdout: "councils", WantFiles: 2,
		},
		{
			Name:   "flags after the folder",
			Args:   func(dir string) []string { return []string{"sample", dir, "--rows", "500", "--one-file"} },
			Code:   exitOK,
			Stdout: "in 1 file to", WantFiles: 1,
		},
		{
			Name: "creates a missing folder",
			Args: func(dir string) []string {
				return []string{"sample", "--rows=300", filepath.Join(dir, "new", "deeper")}
			},
			Code:   exitOK,
			Stdout: "rows",
		},
		{
			Name:   "no folder",
			Args:   func(string) []string { return []string{"sample", "--rows", "10"} },
			Code:   exitUsage,
			Stderr: "name one folder",
		},
		{
			Name:   "two folders",
			Args:   func(dir string) []string { return []string{"sample", dir, dir} },
			Code:   exitUsage,
			Stderr: "name one folder",
		},
		{
			Name:   "negative rows",
			Args:   func(dir string) []string { return []string{"sample", "--rows", "-5", dir} },
			Code:   exitUsage,
			Stderr: "--rows",
		},
		{
			Name:   "bad flag",
			Args:   func(dir string) []string { return []string{"sample", "--rows", "many", dir} },
			Code:   exitUsage,
			Stderr: "invalid value",
		},
		{
			Name:   "folder is a file",
			Args:   func(string) []string { return []string{"sample", "--rows", "100", file} },
			Code:   exitUsage,
			Stderr: "not a folder",
		},
		{
			Name:   "folder inside a file",
			Args:   func(string) []string { return []string{"sample", "--rows", "100", filepath.Join(file, "sub")} },
			Code:   exitUsage,
			Stderr: "yardstick sample:",
		},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tc.Args(dir), &stdout, &stderr)
			if code != tc.Code {
				t.Fatalf("exit code %d, want %d; stderr: %s", code, tc.Code, stderr.String())
			}
			if !strings.Contains(stdout.String(), tc.Stdout) {
				t.Errorf("stdout %q does not mention %q", stdout.String(), tc.Stdout)
			}
			if !strings.Contains(stderr.String(), tc.Stderr) {
				t.Errorf("stderr %q does not mention %q", stderr.String(), tc.Stderr)
			}
			if tc.WantFiles > 0 {
				es, err := os.ReadDir(dir)
				if err != nil {
					t.Fatal(err)
				}
				if len(es) < tc.WantFiles {
					t.Errorf("%d files written, want at least %d", len(es), tc.WantFiles)
				}
			}
		})
	}
}

func TestSampleNum(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -4321: "-4,321"} {
		if got := sampleNum(n); got != want {
			t.Errorf("sampleNum(%d) = %q, want %q", n, got, want)
		}
	}
}
