//go:build linux

package ingest

import (
	"os"
	"syscall"
)

// syncFileRangeWrite is SYNC_FILE_RANGE_WRITE: start writing the range's
// dirty pages to disk, without waiting for them.
const syncFileRangeWrite = 2

// startWriteback asks the kernel to start writing n bytes of f from off
// to disk, and does not wait for it. It is a hint: the file is synced
// before it counts, whatever becomes of it.
func startWriteback(f *os.File, off, n int64) {
	rc, err := f.SyscallConn()
	if err != nil {
		return
	}
	_ = rc.Control(func(fd uintptr) { _ = syscall.SyncFileRange(int(fd), off, n, syncFileRangeWrite) })
}
