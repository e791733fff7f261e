package schemas

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// PendingFile is a file being written under a temporary name beside its
// final path. Commit makes it durable and moves it into place in one
// rename, so readers see the old state or the whole new file, never half.
type PendingFile struct {
	*os.File
	final  string
	done   bool
	closed bool
}

// CreatePending creates the folder of final if needed and opens a temporary
// file beside final. The file gets mode 0644, as a published file needs:
// os.CreateTemp alone would leave it readable by its owner only once it is
// renamed into place. Call Chmod before Commit for a private file.
func CreatePending(final string) (*PendingFile, error) {
	dir, base := filepath.Split(final)
	for attempt := 0; ; attempt++ {
		f, err := openTemp(dir, base)
		if err == nil {
			return &PendingFile{File: f, final: final}, nil
		}
		if !errors.Is(err, fs.ErrNotExist) || attempt == 2 {
			return nil, fmt.Errorf("create temporary file: %w", err)
		}
		// The folder is missing: this is its first file, or a concurrent
		// writer that gave up removed it while it was empty. Trying the
		// file first saves a warehouse of thousands of partitions a
		// lookup of each folder.
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("create folder: %w", err)
		}
	}
}

// TempPrefix is how the temporary files of a file named base begin:
// .<base>.tmp-, then a random suffix (openTemp). The clean-ups after a
// crash find a dead writer's files by it.
func TempPrefix(base string) string { return "." + base + ".tmp-" }

// TempBase reads a temporary file's name back into the name of the file
// it was to become, and reports whether name is one (see TempPrefix).
func TempBase(name string) (base string, ok bool) {
	rest, ok := strings.CutPrefix(name, ".")
	if !ok {
		return "", false
	}
	base, _, ok = strings.Cut(rest, ".tmp-")
	return base, ok
}

// openTemp creates a new file under a random name in dir, with mode 0644
// (less the umask): release files are for everyone to read.
func openTemp(dir, base string) (*os.File, error) {
	for {
		var b [6]byte
		if _, err := rand.Read(b[:]); err != nil {
			return nil, err
		}
		f, err := os.OpenFile(filepath.Join(dir, TempPrefix(base)+hex.EncodeToString(b[:])), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
}

// Commit flushes the file to disk, renames it to its final path and syncs
// the folder so the rename itself survives a crash.
func (p *PendingFile) Commit() error {
	if p.done {
		return fmt.Errorf("commit %s: already finished", p.final)
	}
	p.done = true
	if p.closed {
		if err := syncPath(p.Name()); err != nil {
			os.Remove(p.Name())
			return err
		}
	} else {
		if err := p.Sync(); err != nil {
			p.File.Close()
			os.Remove(p.Name())
			return fmt.Errorf("sync %s: %w", p.final, err)
		}
		if err := p.File.Close(); err != nil {
			os.Remove(p.Name())
			return fmt.Errorf("close %s: %w", p.final, err)
		}
	}
	if err := os.Rename(p.Name(), p.final); err != nil {
		os.Remove(p.Name())
		return fmt.Errorf("rename into place: %w", err)
	}
	return SyncDir(filepath.Dir(p.final))
}

// Abort closes and removes the temporary file. It is safe to call after
// Commit, when it does nothing, so it can be deferred.
//
// It reports whether it removed the file.
func (p *PendingFile) Abort() bool {
	if p.done {
		return false
	}
	p.done = true
	p.File.Close()
	os.Remove(p.Name())
	return true
}

// Finish closes a written file without committing it, so that many
// pending files need not hold a descriptor each until they are committed
// together with PlaceAll (or one by one with Commit, which
// then reopens the file to sync it).
func (p *PendingFile) Finish() error {
	if p.closed {
		return nil
	}
	p.closed = true
	if err := p.File.Close(); err != nil {
		return fmt.Errorf("close %s: %w", p.final, err)
	}
	return nil
}

// PlaceAll renames finished (or still open) pending files to their final
// paths without syncing them, and returns those paths for SyncAll, which
// must follow before anything depends on the files being durable. A crash
// between the two may leave a file under its final name that is empty or
// torn, so PlaceAll is only for files that a crash's clean-up removes by
// name unless something recorded after SyncAll says they are committed, as
// ingest's warehouse files are until their submission is in place (see
// ingest/recover.go). What it buys is one round of waiting on the disk
// instead of two: rather than syncing each file, renaming it and then
// syncing its folder, PlaceAll and SyncAll rename first and then sync
// files and folders side by side. On error some files may be in place and others
// not; each is then under its temporary name or its final one.
func PlaceAll(files []*PendingFile) ([]string, error) {
	for _, p := range files {
		if p.done {
			return nil, fmt.Errorf("place %s: already finished", p.final)
		}
	}
	paths := make([]string, len(files))
	for i, p := range files {
		p.done = true
		if err := p.Finish(); err != nil {
			return nil, err
		}
		if err := os.Rename(p.Name(), p.final); err != nil {
			return nil, fmt.Errorf("rename into place: %w", err)
		}
		paths[i] = p.final
	}
	return paths, nil
}

// Path returns the final path the file will have once committed.
func (p *PendingFile) Path() string { return p.final }

// WriteFileAtomic writes a file through write and moves it into place
// atomically.
func WriteFileAtomic(path string, write func(w io.Writer) error) error {
	p, err := CreatePending(path)
	if err != nil {
		return err
	}
	defer p.Abort()
	if err := write(p); err != nil {
		return err
	}
	return p.Commit()
}

// SyncDir flushes a folder's entries to disk, so that files created or
// renamed in it survive a crash.
func SyncDir(dir string) error { return syncPath(dir) }

// EncodeJSON writes v to w as Yardstick writes every JSON file: indented,
// and with <, > and & as they are (a provider called "Smith & Sons" reads
// as written in reports, manifests and releases alike).
func EncodeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// WriteJSONAtomic writes v as JSON to path and moves it into place
// atomically.
func WriteJSONAtomic(path string, v any) error {
	err := WriteFileAtomic(path, func(w io.Writer) error { return EncodeJSON(w, v) })
	if err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	return nil
}

// RemoveIfExists removes a file or an empty folder, and is content when it
// is already gone, as clean-up after a crash is.
func RemoveIfExists(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
