package schemas

import (
	"fmt"
	"os"
)

// syncFSFiles is how many files SyncAll syncs one by one before it
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
