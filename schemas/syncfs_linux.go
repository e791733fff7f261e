//go:build linux && (amd64 || arm64)

package schemas

import (
	"os"
	"syscall"
)

// syncFS flushes the whole filesystem holding dir to disk with syncfs(2).
func syncFS(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if _, _, errno := syscall.Syscall(sysSyncfs, d.Fd(), 0, 0); errno != 0 {
		return errno
	}
	return nil
}
