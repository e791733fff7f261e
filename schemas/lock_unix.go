//go:build darwin || dragonfly || freebsd || illumos || linux || netbsd || openbsd

package schemas

import (
	"errors"
	"os"
	"syscall"
)

// These systems have flock(2), and their syscall package has Flock (AIX
// and Solaris do not), so locks exclude other processes as well as other
// goroutines.
const lockAcrossProcesses = true

// lockNB takes an exclusive flock on f without waiting, reporting false
// when another open file holds it.
func lockNB(f *os.File) (bool, error) {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		switch {
		case err == nil:
			return true, nil
		case errors.Is(err, syscall.EWOULDBLOCK):
			return false, nil
		case errors.Is(err, syscall.EINTR): // a signal arrived; the lock is still to be tried
		default:
			return false, err
		}
	}
}

// release drops the flock held through f.
func release(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}
