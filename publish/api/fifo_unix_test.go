//go:build unix

package api

import "syscall"

// mkfifo makes a named pipe, which a server that opened it would wait on
// for ever.
func mkfifo(path string) error { return syscall.Mkfifo(path, 0o644) }
