package schemas

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// entries lists the names in dir, so tests can see that no temporary file
// is left behind.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, de := range des {
		names = append(names, de.Name())
	}
	return names
}

func TestPendingFileCommit(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	final := filepath.Join(dir, "releases", "r1", "index.json")
	p, err := CreatePending(final)
	if err != nil {
		t.Fatalf("CreatePending: %v", err)
	}
	defer p.Abort()
	if _, err := io.WriteString(p, `{"ok":true}`); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(final); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("final file exists before Commit (stat error %v)", err)
	}
	if err := p.Commit(); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	got, err := os.ReadFile(final)
	if err != nil || string(got) != `{"ok":true}` {
		t.Errorf("final file = %q, %v; want {\"ok\":true}", got, err)
	}
	if names := entries(t, filepath.Dir(final)); !slices.Equal(names, []string{"index.json"}) {
		t.Errorf("folder holds %v, want only index.json", names)
	}
	fi, err := os.Stat(final)
	if err != nil {
		t.Fatal(err)
	}
	if mode := fi.Mode().Perm(); mode != 0o644 {
		t.Errorf("committed file mode = %v, want -rw-r--r--", mode)
	}
	if err := p.Commit(); err == nil {
		t.Error("second Commit succeeded, want an error")
	}
	p.Abort() // after Commit it must leave the file alone
	if _, err := os.Stat(final); err != nil {
		t.Errorf("Abort after Commit removed the file: %v", err)
	}
}

func TestPendingFileCommitReplaces(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	final := filepath.Join(dir, "manifest.json")
	if err := os.WriteFile(final, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(final, func(w io.Writer) error {
		_, err := io.WriteString(w, "new")
		return err
	}); err != nil {
		t.Fatalf("WriteFileAtomic: %v", err)
	}
	if got, _ := os.ReadFile(final); string(got) != "new" {
		t.Errorf("file = %q, want new", got)
	}
	if names := entries(t, dir); !slices.Equal(names, []string{"manifest.json"}) {
		t.Errorf("folder holds %v, want only manifest.json", names)
	}
}

func TestPendingFileAbort(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	final := filepath.Join(dir, "report.json")
	p, err := CreatePending(final)
	if err != nil {
		t.Fatalf("CreatePending: %v", err)
	}
	if _, err := io.WriteString(p, "half a"); err != nil {
		t.Fatal(err)
	}
	p.Abort()
	p.Abort() // twice is harmless
	if names := entries(t, dir); len(names) != 0 {
		t.Errorf("folder holds %v after Abort, want nothing", names)
	}
	if err := p.Commit(); err == nil {
		t.Error("Commit after Abort succeeded, want an error")
	}
	if names := entries(t, dir); len(names) != 0 {
		t.Errorf("folder holds %v after Commit of an aborted file, want nothing", names)
	}
}

func TestWriteFileAtomicFailingWrite(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	final := filepath.Join(dir, "observations.csv")
	if err := os.WriteFile(final, []byte("old,complete\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("disk on fire")
	err := WriteFileAtomic(final, func(w io.Writer) error {
		if _, err := io.WriteString(w, "new,but half"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("WriteFileAtomic error = %v, want %v", err, boom)
	}
	if got, _ := os.ReadFile(final); string(got) != "old,complete\n" {
		t.Errorf("file = %q after a failed write, want the old content", got)
	}
	if names := entries(t, dir); !slices.Equal(names, []string{"observations.csv"}) {
		t.Errorf("folder holds %v, want only observations.csv", names)
	}
}

func TestWriteFileAtomicPanickingWrite(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	final := filepath.Join(dir, "index.html")
	func() {
		defer func() { _ = recover() }()
		_ = WriteFileAtomic(final, func(w io.Writer) error {
			io.WriteString(w, "<html>")
			panic("template bug")
		})
	}()
	if names := entries(t, dir); len(names) != 0 {
		t.Errorf("folder holds %v after a panicking write, want nothing", names)
	}
}

func TestCreatePendingErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	// A file where the folder should be.
	if _, err := CreatePending(filepath.Join(blocker, "x.json")); err == nil {
		t.Error("CreatePending under a file succeeded, want an error")
	}
	// A folder where the file should be: the rename fails and nothing is left.
	target := filepath.Join(dir, "taken")
	if err := os.MkdirAll(filepath.Join(target, "child"), 0o755); err != nil {
		t.Fatal(err)
	}
	err := WriteFileAtomic(target, func(w io.Writer) error { return nil })
	if err == nil {
		t.Error("WriteFileAtomic onto a non-empty folder succeeded, want an error")
	}
	if names := entries(t, dir); !slices.Equal(names, []string{"file", "taken"}) {
		t.Errorf("folder holds %v, want [file taken]", names)
	}
}
