// Package bench holds Yardstick's end-to-end benchmarks, run with
// `make bench`. Each measures Yardstick against a peer doing the same job in
// the same run, as a ratio, and runs both as child processes so that each
// one's peak memory is its own.
package bench
