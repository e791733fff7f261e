//go:build unix

package duckdb

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time the process has used since it started,
// in user mode and in the kernel, over all its threads (DuckDB's
// included), or -1 for both when the system does not say.
func processCPU() (user, system time.Duration) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return -1, -1
	}
	return time.Duration(ru.Utime.Nano()), time.Duration(ru.Stime.Nano())
}
