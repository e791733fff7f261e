//go:build !unix

package ingest

import "os"

// openFlags opens a return for reading; only Unix has named pipes whose
// opening blocks.
const openFlags = os.O_RDONLY
