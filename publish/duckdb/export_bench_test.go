package duckdb

import (
	"compress/gzip"
	"io"
	"os"
	"testing"
	"time"
)

// countingWriter counts what is written to it and keeps none of it.
type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}

// BenchmarkGzipCSV compresses the plain CSV file YARDSTICK_BENCH_CSV names
// (for example a release's observations: gzip -dc data/observations.csv.gz >
// observations.csv) as the release does (newGzip) and, as its peer, with
// the standard library's compress/gzip at its default level, the
// release's compressor before, one after the other in each iteration from
// memory, each first in every other iteration. It reports each one's
// seconds, and the release's time and compressed size over the peer's;
// ns/op is the two together:
//
//	YARDSTICK_BENCH_CSV=observations.csv go test ./publish/duckdb -run '^$' -bench GzipCSV -benchtime 3x
func BenchmarkGzipCSV(b *testing.B) {
	path := os.Getenv("YARDSTICK_BENCH_CSV")
	if path == "" {
		b.Skip("YARDSTICK_BENCH_CSV names no CSV file")
	}
	plain, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	// compress times one pass of the writer open makes, adding its time
	// to took and setting size to what it wrote.
	compress := func(open func(io.Writer) (io.WriteCloser, error), took *time.Duration, size *int64) {
		var c countingWriter
		start := time.Now()
		w, err := open(&c)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := w.Write(plain); err != nil {
			b.Fatal(err)
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
		*took += time.Since(start)
		*size = c.n
	}
	var ours, peer time.Duration
	var oursBytes, peerBytes int64
	release := func() {
		compress(func(w io.Writer) (io.WriteCloser, error) { return newGzip(w, "observations.csv") }, &ours, &oursBytes)
	}
	stdlib := func() {
		compress(func(w io.Writer) (io.WriteCloser, error) {
			zw, err := gzip.NewWriterLevel(w, gzip.DefaultCompression)
			if zw != nil {
				zw.Name = "observations.csv"
			}
			return zw, err
		}, &peer, &peerBytes)
	}
	n := 0
	for b.Loop() {
		// Each goes first in every other iteration, so neither always
		// meets the garbage the other left.
		if n%2 == 0 {
			release()
			stdlib()
		} else {
			stdlib()
			release()
		}
		n++
	}
	b.ReportMetric(ours.Seconds()/float64(n), "release-s/op")
	b.ReportMetric(peer.Seconds()/float64(n), "stdlib-s/op")
	b.ReportMetric(ours.Seconds()/peer.Seconds(), "time-ratio")
	b.ReportMetric(float64(oursBytes)/float64(peerBytes), "size-ratio")
}
