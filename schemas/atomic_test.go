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

// TestPendingGzippedPair: a gzipped download is exported through two
// temporary files beside it, the plain CSV DuckDB writes and the gzip
// made from it (publish/duckdb, exportGzip). Both are named for the
// final file, as the crash clean-ups read names back, and are distinct.
func TestPendingGzippedPair(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	final := filepath.Join(dir, "data", "observations.csv.gz")
	plain, err := CreatePending(final)
	if err != nil {
		t.Fatal(err)
	}
	gz, err := CreatePending(final)
	if err != nil {
		t.Fatal(err)
	}
	if plain.Name() == gz.Name() {
		t.Fatalf("both temporary files are %s", plain.Name())
	}
	for _, p := range []*PendingFile{plain, gz} {
		name := filepath.Base(p.Name())
		if base, ok := TempBase(name); !ok || base != "observations.csv.gz" {
			t.Errorf("TempBase(%q) = %q, %v; want observations.csv.gz, true", name, base, ok)
		}
	}
	plain.Abort()
	if err := gz.Commit(); err != nil {
		t.Fatal(err)
	}
	if names := entries(t, filepath.Join(dir, "data")); !slices.Equal(names, []string{"observations.csv.gz"}) {
		t.Errorf("folder holds %v, want only observations.csv.gz", names)
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

// TestPlaceAll checks that PlaceAll moves every file to its final name
// with what was written, leaves no temporary file, returns the final
// paths in order for SyncAll, and finishes the files: Abort then removes
// nothing, and placing them again is an error. A file whose folder has
// gone cannot be renamed: that is an error, and the file is left under
// its temporary name, the one after it untouched.
func TestPlaceAll(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var files []*PendingFile
	var want []string
	for _, name := range []string{"a/x.parquet", "b/y.parquet"} {
		final := filepath.Join(dir, name)
		p, err := CreatePending(final)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(p, name); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
		want = append(want, final)
	}
	files[0].Finish() // one closed already, as ingest's writers leave them
	got, err := PlaceAll(files)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("paths %q, want %q", got, want)
	}
	for i, name := range []string{"a/x.parquet", "b/y.parquet"} {
		b, err := os.ReadFile(want[i])
		if err != nil || string(b) != name {
			t.Errorf("%s holds %q (%v), want %q", name, b, err, name)
		}
		if e := entries(t, filepath.Dir(want[i])); len(e) != 1 {
			t.Errorf("%s's folder holds %q, want the file alone", name, e)
		}
		if files[i].Abort() {
			t.Errorf("Abort removed %s after PlaceAll", name)
		}
	}
	if _, err := PlaceAll(files[:1]); err == nil {
		t.Error("placing a placed file again: no error")
	}
	if err := SyncAll(got); err != nil {
		t.Errorf("SyncAll: %v", err)
	}
	if err := SyncAll([]string{filepath.Join(dir, "missing")}); err == nil {
		t.Error("SyncAll of a missing file: no error")
	}

	gone, err := CreatePending(filepath.Join(dir, "c", "z.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	next, err := CreatePending(filepath.Join(dir, "d", "w.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	gone.Finish()
	if err := os.Rename(filepath.Join(dir, "c"), filepath.Join(dir, "c-moved")); err != nil {
		t.Fatal(err)
	}
	if _, err := PlaceAll([]*PendingFile{gone, next}); err == nil {
		t.Error("PlaceAll into a folder that has gone: no error")
	}
	if e := entries(t, filepath.Join(dir, "c-moved")); len(e) != 1 || e[0] == "z.parquet" {
		t.Errorf("the file that could not be placed: folder holds %q, want its temporary file", e)
	}
	if e := entries(t, filepath.Join(dir, "d")); len(e) != 1 || e[0] == "w.parquet" {
		t.Errorf("the file after it: folder holds %q, want its temporary file", e)
	}
	next.Abort()
}
