//go:build !(darwin || dragonfly || freebsd || illumos || linux || netbsd || openbsd)

package schemas

import (
	"os"
	"path/filepath"
	"sync"
)

// Without flock(2) in the syscall package, locks are kept in a table in
// this process: they exclude goroutines, as a server ingesting returns
// needs, but not other processes.
const lockAcrossProcesses = false

var (
	heldMu sync.Mutex
	held   = map[string]bool{} // absolute paths of the locks held
)

// lockNB takes the lock on f's path without waiting, reporting false when
// another open file in this process holds it.
func lockNB(f *os.File) (bool, error) {
	key, err := filepath.Abs(f.Name())
	if err != nil {
		return false, err
	}
	heldMu.Lock()
	defer heldMu.Unlock()
	if held[key] {
		return false, nil
	}
	held[key] = true
	return true, nil
}

// release drops the lock on f's path.
func release(f *os.File) error {
	key, err := filepath.Abs(f.Name())
	if err != nil {
		return err
	}
	heldMu.Lock()
	defer heldMu.Unlock()
	delete(held, key)
	return nil
}
