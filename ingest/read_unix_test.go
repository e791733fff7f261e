//go:build unix

package ingest

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/schemas"
)

// TestIngestFileKinds checks that only regular files are read: a named
// pipe with no writer, a device that never ends, a socket and a folder are
// refused at once, without being opened for reading, and leave nothing
// behind; a link to a regular file is read.
func TestIngestFileKinds(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "return.csv")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	sock := filepath.Join(dir, "s")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() }) // after the parallel subtests, unlike defer
	regular := filepath.Join(dir, "real.csv")
	if err := os.WriteFile(regular, []byte(header+
		"E08000009,1-101234567,Brightwater Care Ltd,private,homecare,hc-visits-on-time,2024-25-Q1,850,1000,85.0,\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.csv")
	if err := os.Symlink(regular, link); err != nil {
		t.Fatal(err)
	}
	linkToFifo := filepath.Join(dir, "pipe-link.csv")
	if err := os.Symlink(fifo, linkToFifo); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		path string
		want string // "" to be read
	}{
		{"named pipe with no writer", fifo, fifo + " is a named pipe, not a file"},
		{"link to a named pipe", linkToFifo, linkToFifo + " is a named pipe, not a file"},
		{"device", "/dev/zero", "/dev/zero is a device, not a file"},
		{"socket", sock, sock + " is a socket, not a file"},
		{"folder", dir, dir + " is a folder, not a file"},
		{"link to a regular file", link, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, err := os.Stat(tc.path); err != nil {
				t.Skip(err)
			}
			p := testPipeline(t)
			type result struct {
				rep *Report
				err error
			}
			done := make(chan result, 1)
			go func() {
				rep, err := p.IngestFile(context.Background(), tc.path, Options{})
				done <- result{rep, err}
			}()
			var got result
			select {
			case got = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("IngestFile blocked")
			}
			if tc.want == "" {
				if got.err != nil || !got.rep.Accepted() {
					t.Fatalf("error %v, report %+v; want accepted", got.err, got.rep)
				}
				return
			}
			if got.err == nil || got.err.Error() != tc.want {
				t.Fatalf("error %v, want %q", got.err, tc.want)
			}
			if !errors.Is(got.err, ErrUsage) || schemas.ErrorCode(got.err) != schemas.EINVALID {
				t.Errorf("error %v is not a usage error coded %s", got.err, schemas.EINVALID)
			}
			if err := CheckFile(tc.path, 0); err == nil || err.Error() != tc.want {
				t.Errorf("CheckFile: %v, want %q", err, tc.want)
			}
			storedNothing(t, p.Layout)
		})
	}
}

// TestOpenSwappedPipe checks the second line of defence: a named pipe put
// in place of a return after CheckFile looked is opened without waiting for
// a writer, and refused once open.
func TestOpenSwappedPipe(t *testing.T) {
	t.Parallel()
	fifo := filepath.Join(t.TempDir(), "return.csv")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	done := make(chan error, 1)
	go func() {
		f, err := os.OpenFile(fifo, openFlags, 0)
		if err != nil {
			done <- err
			return
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			done <- err
			return
		}
		done <- checkFileInfo(fifo, st, DefaultMaxBytes)
	}()
	select {
	case err := <-done:
		if want := fifo + " is a named pipe, not a file"; err == nil || err.Error() != want {
			t.Errorf("error %v, want %q", err, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("opening a named pipe with no writer blocked")
	}
}
