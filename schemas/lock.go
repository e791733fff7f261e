package schemas

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// lockPoll is how often LockFile tries again for a busy lock. Waiting in a
// blocking flock(2) instead could not be cancelled.
const lockPoll = 20 * time.Millisecond

// LockFile takes an exclusive advisory lock on the file at path, creating
// the file and its folder if needed, and waits until the lock is free or
// ctx ends. The lock excludes every other LockFile and TryLockFile on the
// same path, in this process or another, until unlock is called or the
// process exits. It is advisory: it keeps out only those who ask for it.
// Where the syscall package has no flock(2) (Windows, Solaris, AIX), it
// excludes only other goroutines of this process.
//
// The lock file is left behind by unlock. Removing it would let a waiter
// holding the old file and a newcomer creating a new one both "win".
func LockFile(ctx context.Context, path string) (unlock func() error, err error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	f, err := openLockFile(path)
	if err != nil {
		return nil, err
	}
	tick := time.NewTicker(lockPoll)
	defer tick.Stop()
	for {
		ok, err := lockNB(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if ok {
			return unlocker(f), nil
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, ctx.Err())
		case <-tick.C:
		}
	}
}

// TryLockFile takes the lock LockFile takes if it is free, and otherwise
// returns ok false at once, for callers that would rather say the file is
// busy than wait for it.
func TryLockFile(path string) (unlock func() error, ok bool, err error) {
	f, err := openLockFile(path)
	if err != nil {
		return nil, false, err
	}
	ok, err = lockNB(f)
	if err != nil {
		f.Close()
		return nil, false, fmt.Errorf("lock %s: %w", path, err)
	}
	if !ok {
		f.Close()
		return nil, false, nil
	}
	return unlocker(f), true, nil
}

// openLockFile opens the lock file at path, creating it and its folder if
// need be. Each lock has a file of its own open: flock(2) locks belong to
// an open file, so two opens in one process exclude each other as two
// processes do.
func openLockFile(path string) (*os.File, error) {
	for attempt := 0; ; attempt++ {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, fs.ErrNotExist) || attempt == 1 {
			return nil, fmt.Errorf("open lock file: %w", err)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, fmt.Errorf("create lock folder: %w", err)
		}
	}
}

// unlocker returns the function that releases the lock held through f.
// Calling it again does nothing and returns the first call's error, so a
// deferred unlock after an explicit one is harmless.
func unlocker(f *os.File) func() error {
	return sync.OnceValue(func() error {
		// Closing the file would release the lock too; unlocking first
		// reports a failure to release it rather than hiding it in Close.
		return errors.Join(release(f), f.Close())
	})
}
