package ingest

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"testing"

	"github.com/gocarina/gocsv"
)

// BenchmarkDecode measures decoding alone, two ways over the same row
// source: through gocsv, as ingest does, and by filling the struct by hand.
// The difference is what gocsv's reflection costs per row.
func BenchmarkDecode(b *testing.B) {
	var buf bytes.Buffer
	canonicalReturn(&buf, 200000)
	open := func(b *testing.B) *rowSource {
		src, err := openReturn(bytes.NewReader(buf.Bytes()), nil, "", &problems{})
		if err != nil || src == nil {
			b.Fatalf("open: %v", err)
		}
		return src
	}
	b.Run("gocsv", func(b *testing.B) {
		for b.Loop() {
			rows := make(chan rawRow, 1024)
			done := make(chan error, 1)
			go func() { done <- gocsv.UnmarshalDecoderToChan(open(b), rows) }()
			n := 0
			for range rows {
				n++
			}
			if err := <-done; err != nil || n != 200000 {
				b.Fatalf("%d rows, %v", n, err)
			}
		}
		b.ReportMetric(float64(200000*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("by-hand", func(b *testing.B) {
		for b.Loop() {
			src := open(b)
			if _, err := src.GetCSVRow(); err != nil { // the header
				b.Fatal(err)
			}
			n := 0
			for {
				row, err := src.GetCSVRow()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					b.Fatal(err)
				}
				line, _ := strconv.Atoi(row[numCols])
				vcol, _ := strconv.Atoi(row[numCols+1])
				r := rawRow{Council: row[iCouncil], ProviderID: row[iProvID], Provider: row[2], Sector: row[iSector],
					Service: row[iService], Metric: row[iMetric], Period: row[iPeriod], Numerator: row[iNum],
					Denom: row[iDen], Value: row[iValue], Note: row[10], Line: line, ValueCol: vcol}
				_ = r
				n++
			}
			if n != 200000 {
				b.Fatalf("%d rows", n)
			}
		}
		b.ReportMetric(float64(200000*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}
