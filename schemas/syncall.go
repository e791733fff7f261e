package schemas

import (
	"errors"
	"path/filepath"
	"slices"
	"sync"
)

// SyncAll flushes files and folders already written in place to disk with
// as few syncs as the platform allows: for more than a few on Linux
// (amd64 and arm64), one syncfs(2) of the
// filesystem holding the first; otherwise each of them, and the folders
// holding them, side by side, since each sync waits on the disk rather
// than the processor and a filesystem's journal commits syncs that wait
// together at once. A release's website is thousands of small files in a
// folder that becomes live only when renamed whole, so it needs them
// durable, not each one atomic; a small return's warehouse file is one
// file in a folder of its own.
func SyncAll(paths []string) error {
	if len(paths) == 0 {
		return nil
	}
	if len(paths) > syncFSFiles && syncFS(filepath.Dir(paths[0])) == nil {
		return nil
	}
	return SyncEach(paths)
}

// SyncEach syncs each of paths, and the folders holding them, side by
// side, however many there are, never with one syncfs(2): for a caller
// whose few megabytes share a filesystem that may hold far more waiting to
// be written (an ingest's own spill, other programs' files), where syncing
// it all would take the largest part of a second.
func SyncEach(paths []string) error {
	targets := slices.Clone(paths)
	seen := map[string]bool{}
	for _, p := range paths {
		if d := filepath.Dir(p); !seen[d] {
			seen[d] = true
			targets = append(targets, d)
		}
	}
	errs := make([]error, len(targets))
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Go(func() { errs[i] = syncPath(t) })
	}
	wg.Wait()
	return errors.Join(errs...)
}
