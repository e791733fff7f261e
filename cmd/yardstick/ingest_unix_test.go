//go:build unix

package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestIngestRefusesPipesAndDevices checks that a named pipe with no writer
// and a device that never ends are refused at once, as files or as
// standard input, before anything is read.
func TestIngestRefusesPipesAndDevices(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := filepath.Join(dir, "good.csv")
	if err := os.WriteFile(good, []byte(goodReturn), 0o644); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "pipe.csv")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	zero, err := os.Open("/dev/zero")
	if err != nil {
		t.Skip(err)
	}
	t.Cleanup(func() { zero.Close() })
	tests := []struct {
		name  string
		stdin io.Reader
		args  []string
		want  string
	}{
		{"a named pipe with no writer", nil, []string{good, fifo}, fifo + " is a named pipe, not a file"},
		{"a device", nil, []string{good, "/dev/zero"}, "/dev/zero is a device, not a file"},
		{"a device as standard input", zero, []string{good, "-"}, "standard input is a device (a terminal, or one such as /dev/zero), not a return"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			data := filepath.Join(t.TempDir(), "data")
			type result struct {
				code           int
				stdout, stderr string
			}
			done := make(chan result, 1)
			go func() {
				var r result
				r.code, r.stdout, r.stderr = runIngestWith(t, tc.stdin, append([]string{"--data", data}, tc.args...)...)
				done <- r
			}()
			var r result
			select {
			case r = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("ingest blocked")
			}
			if r.code != exitUsage || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("exit %d stderr %q; want %d and %q", r.code, r.stderr, exitUsage, tc.want)
			}
			if r.stdout != "" || len(manifests(t, data)) > 0 {
				t.Errorf("a file was ingested before the refusal:\n%s", r.stdout)
			}
		})
	}
}
