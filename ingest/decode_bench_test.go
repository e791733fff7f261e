package ingest

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// BenchmarkDecode measures decoding alone: finding the header, reading the
// records and filling canonical rows, without the checks. Until gocsv left
// this path it measured gocsv (3.8 million allocations for 200,000 rows)
// against filling the rows by hand; BENCHMARKS.md keeps the comparison.
func BenchmarkDecode(b *testing.B) {
	const rows = 200000
	var buf bytes.Buffer
	canonicalReturn(&buf, rows)
	b.SetBytes(int64(buf.Len()))
	for b.Loop() {
		src, err := openReturn(bytes.NewReader(buf.Bytes()), nil, "", &problems{})
		if err != nil || src == nil {
			b.Fatalf("open: %v", err)
		}
		var r rawRow
		n := 0
		for {
			err := src.next(&r)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != rows {
			b.Fatalf("%d rows, want %d", n, rows)
		}
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}
