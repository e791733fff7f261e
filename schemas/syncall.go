package schemas

import (
	"errors"
	"path/filepath"
)

// SyncAll flushes files and folders already written in place to disk with
// as few syncs as the platform allows, as CommitAll does for pending files:
// for more than a few on Linux (amd64 and arm64), one syncfs(2) of the
// filesystem holding the first; otherwise each in turn, and the folders
// holding the files. A release's website is thousands of small files in a
// folder that becomes live only when renamed whole, so it needs them
// durable, not each one atomic.
func SyncAll(paths []string) error {
	if len(paths) == 0 {
		return nil
	}
	if len(paths) > syncFSFiles && syncFS(filepath.Dir(paths[0])) == nil {
		return nil
	}
	dirs := map[string]bool{}
	for _, p := range paths {
		if err := syncPath(p); err != nil {
			return err
		}
		dirs[filepath.Dir(p)] = true
	}
	var errs []error
	for d := range dirs {
		errs = append(errs, SyncDir(d))
	}
	return errors.Join(errs...)
}
