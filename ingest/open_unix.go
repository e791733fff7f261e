//go:build unix

package ingest

import (
	"os"
	"syscall"
)

// openFlags opens a return without blocking: opening a named pipe for
// reading otherwise waits for a writer, and ingest refuses pipes anyway.
// On a regular file the flag changes nothing.
const openFlags = os.O_RDONLY | syscall.O_NONBLOCK
