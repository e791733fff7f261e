package schemas

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// CommitAll moves many written files into place durably with as few syncs
// as the platform allows. For more than a few files on Linux (amd64 and
// arm64, where package syscall can reach it), one syncfs(2) flushes every
// file's data before the renames and one more flushes the renamed entries,
// where syncing file by file would cost several syncs per file: a
// submission covering every council and quarter writes thousands of files.
// Otherwise each file and folder is synced in turn. Either way a crash leaves each
// file either absent or whole.
func CommitAll(files []*PendingFile) error {
	if len(files) == 0 {
		return nil
	}
	for _, p := range files {
		if p.done {
			return fmt.Errorf("commit %s: already finished", p.final)
		}
		p.done = true
		if err := p.Finish(); err != nil {
			return err
		}
	}
	// For a few files, syncing each costs less than flushing the whole
	// filesystem, which may hold other writers' data too.
	many := len(files) > syncFSFiles
	dir := filepath.Dir(files[0].final)
	if !many || syncFS(dir) != nil {
		for _, p := range files {
			if err := syncPath(p.Name()); err != nil {
				return err
			}
		}
	}
	dirs := map[string]bool{}
	for _, p := range files {
		if err := os.Rename(p.Name(), p.final); err != nil {
			return fmt.Errorf("rename into place: %w", err)
		}
		dirs[filepath.Dir(p.final)] = true
	}
	if many && syncFS(dir) == nil {
		return nil
	}
	var errs []error
	for d := range dirs {
		errs = append(errs, SyncDir(d))
	}
	return errors.Join(errs...)
}

// syncFSFiles is how many files CommitAll syncs one by one before it
// flushes the filesystem instead.
const syncFSFiles = 16

// AbortAll removes the temporary files of those not committed.
func AbortAll(files []*PendingFile) {
	for _, p := range files {
		if p != nil {
			p.Abort()
		}
	}
}

// syncPath flushes a file or a folder to disk.
func syncPath(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open %s for sync: %w", path, err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	return nil
}
