//go:build !unix

package duckdb

import "time"

// processCPU returns -1 for both: the process's CPU time is read from
// getrusage, which this system does not have.
func processCPU() (user, system time.Duration) { return -1, -1 }
