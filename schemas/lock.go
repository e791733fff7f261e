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
// The lock file is left behind by unlock. Its holder may remove it, and
// only its holder, before it calls unlock, as the last thing it does
// under the lock: whoever then takes the lock on the file it removed
// finds that path no longer names that file and tries again on the file
// now there, so the removed file's lock and the new file's never admit
// two holders at once. Removing it lets the lock go to whoever creates
// the file anew, at once. On Windows a file another process holds open
// cannot be removed, so there removal may fail, harmlessly.
func LockFile(ctx context.Context, path string) (unlock func() error, err error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	tick := time.NewTicker(lockPoll)
	defer tick.Stop()
	for {
		unlock, ok, err := TryLockFile(path)
		if err != nil || ok {
			return unlock, err
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("lock %s: %w", path, ctx.Err())
		case <-tick.C:
		}
	}
}

// TryLockFile takes the lock LockFile takes if it is free, and otherwise
// returns ok false at once, for callers that would rather say the file is
// busy than wait for it.
func TryLockFile(path string) (unlock func() error, ok bool, err error) {
	for range lockRemovals {
		f, err := openLockFile(path)
		if err != nil {
			return nil, false, err
		}
		if lockOpened != nil {
			lockOpened(path)
		}
		ok, err := lockNB(f)
		if err == nil && ok {
			var named bool
			named, err = NamesFile(path, f)
			if err == nil && named {
				return unlocker(f), true, nil
			}
			// The holder before us removed the file: its lock now
			// excludes no one who opens path, so take the new file's.
			err = errors.Join(err, release(f))
		}
		f.Close()
		if err != nil {
			return nil, false, fmt.Errorf("lock %s: %w", path, err)
		}
		if !ok {
			return nil, false, nil
		}
	}
	return nil, false, fmt.Errorf("lock %s: the file was removed under every one of %d tries", path, lockRemovals)
}

// lockRemovals is how many times in a row TryLockFile takes a lock on a
// file that was removed before it gives up: each removal is another
// holder's whole turn with the lock, so even a busy lock sees a few.
const lockRemovals = 100

// lockOpened, when a test sets it, is called by TryLockFile between
// opening the lock file and locking it, where another holder's removal of
// the file can fall. It is nil in every program.
var lockOpened func(path string)

// NamesFile reports whether path still names the open file f: whether
// no one has removed or replaced it since it was opened.
func NamesFile(path string, f *os.File) (bool, error) {
	open, err := f.Stat()
	if err != nil {
		return false, err
	}
	named, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return os.SameFile(open, named), nil
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
