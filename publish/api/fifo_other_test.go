//go:build !unix

package api

import "os"

// mkfifo makes a plain file where the system has no named pipes.
func mkfifo(path string) error { return os.WriteFile(path, nil, 0o644) }
