// Package bench holds Yardstick's end-to-end benchmarks, run with
// `make bench`. Each measures Yardstick against a peer doing the same job in
// the same run, as a ratio, and runs both as child processes so that each
// one's peak memory is its own (the small returns, timed file by file, run
// both in this process instead).
//
// The ingest, publish and serve benchmarks share one sample of -rows rows
// (a million unless given), the warehouse made from it and its release,
// each made once however many of them run: `make bench-scale ROWS=N` runs
// them all in one go at any size, and ends with one summary line each
// (figure, peer, ratio, peak memory) as a Markdown table. The serve
// benchmark loads the server with wrk or hey, whichever is on PATH, and
// skips, saying so, when neither is.
package bench
