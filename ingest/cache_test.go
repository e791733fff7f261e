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

// textsReader writes a return of n rows, each with a period and a council
// text no other row has and an ignored column of pad bytes, without
// keeping the file in memory.
type textsReader struct {
	n, i int
	pad  string
	buf  []byte
}

func (r *textsReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		switch {
		case r.i > r.n:
			return 0, io.EOF
		case r.i == 0:
			r.buf = []byte("council_code,provider_id,provider_name,provider_sector,service,metric,period,numerator,denominator,value,note,extra\n")
		default:
			r.buf = fmt.Appendf(nil, "Nowhere %d,1-123456789,Amberley,private,homecare,hc-continuity,Q%d of 2024,40,50,,,%s\n", r.i, r.i, r.pad)
		}
		r.i++
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// TestCheckCachesKeepNoLines checks that the checker's caches of what a
// period or council text resolved to keep copies of the texts, not the
// lines they came from: 512 rows, each with texts of its own and a 64 KiB
// column the return does not use, would keep 32 MiB alive otherwise; the
// heap must grow by less than 8 MiB. Not parallel, so no other test's
// memory is counted.
func TestCheckCachesKeepNoLines(t *testing.T) {
	p := testPipeline(t)
	const rows, pad = 512, 64 << 10
	probs := &problems{}
	src, err := openReturn(&textsReader{n: rows, pad: strings.Repeat("x", pad)}, nil, "", probs)
	if err != nil || src == nil {
		t.Fatalf("open return: %v %v", err, probs.sorted())
	}
	chk := newChecker(p.Catalogue, p.Councils, src.plan, probs, time.Now().UTC(), nil, filepath.Join(t.TempDir(), ".keys"))
	defer chk.close()
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
	if len(chk.periods) == 0 || len(chk.resolved) == 0 {
		t.Fatalf("caches hold %d periods and %d councils; the test reads them wrongly", len(chk.periods), len(chk.resolved))
	}
	grew := int64(ms.HeapAlloc) - int64(before)
	t.Logf("the heap grew by %.1f MiB over %d rows of new texts", float64(grew)/(1<<20), rows)
	if grew > 8<<20 {
		t.Errorf("the heap grew by %d MiB over %d rows of new texts, want under 8 MiB (the ignored columns are %d MiB)", grew>>20, rows, rows*pad>>20)
	}
	runtime.KeepAlive(chk)
}
