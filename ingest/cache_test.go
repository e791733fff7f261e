package ingest

import (
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// streamedPad is the size of the column a streamed return's rows carry
// that the return does not use: a checker that kept any part of a row's
// line would keep it alive.
const streamedPad = 64 << 10

// streamReader writes a return of n rows made by line, under the
// standard header and an extra column, without keeping the file in
// memory.
type streamReader struct {
	n, i int
	pad  string
	line func(i int, pad string) []byte
	buf  []byte
}

func (r *streamReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		switch {
		case r.i > r.n:
			return 0, io.EOF
		case r.i == 0:
			r.buf = []byte("council_code,provider_id,provider_name,provider_sector,service,metric,period,numerator,denominator,value,note,extra\n")
		default:
			r.buf = r.line(r.i, r.pad)
		}
		r.i++
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// checkStreamed checks n streamed rows, each with a column of streamedPad
// bytes the return does not use, and returns the checker and how much the
// heap grew while it checked them (after a collection, so only what the
// checker keeps counts). Held rows are checked but not stored.
func checkStreamed(t *testing.T, p *Pipeline, n int, line func(i int, pad string) []byte) (*checker, int64) {
	t.Helper()
	probs := &problems{}
	src, err := openReturn(&streamReader{n: n, pad: strings.Repeat("x", streamedPad), line: line}, nil, "", probs)
	if err != nil || src == nil {
		t.Fatalf("open return: %v %v", err, probs.sorted())
	}
	chk := newChecker(p.Catalogue, p.Councils, src.plan, probs, time.Now().UTC(), nil, filepath.Join(t.TempDir(), ".keys"))
	t.Cleanup(func() { chk.close() })
	chk.emitHeld = func(*obs) error { return nil }
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	before := ms.HeapAlloc
	var row rawRow
	var o obs
	for src.next(&row) == nil {
		chk.check(&row, &o)
	}
	row, o = rawRow{}, obs{}
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return chk, int64(ms.HeapAlloc) - int64(before)
}

// TestCheckCachesKeepNoLines checks that the checker's caches of what a
// period or council text resolved to keep copies of the texts, not the
// lines they came from: 512 rows, each with texts of its own and a 64 KiB
// column the return does not use, would keep 32 MiB alive otherwise; the
// heap must grow by less than 8 MiB. Not parallel, so no other test's
// memory is counted.
func TestCheckCachesKeepNoLines(t *testing.T) {
	p := testPipeline(t)
	const rows = 512
	chk, grew := checkStreamed(t, p, rows, func(i int, pad string) []byte {
		return fmt.Appendf(nil, "Nowhere %d,1-123456789,Amberley,private,homecare,hc-continuity,Q%d of 2024,40,50,,,%s\n", i, i, pad)
	})
	if len(chk.periods) == 0 || len(chk.resolved) == 0 {
		t.Fatalf("caches hold %d periods and %d councils; the test reads them wrongly", len(chk.periods), len(chk.resolved))
	}
	t.Logf("the heap grew by %.1f MiB over %d rows of new texts", float64(grew)/(1<<20), rows)
	if grew > 8<<20 {
		t.Errorf("the heap grew by %d MiB over %d rows of new texts, want under 8 MiB (the ignored columns are %d MiB)", grew>>20, rows, rows*streamedPad>>20)
	}
}
