package publish

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/publish/publishtest"
	"github.com/yardstick-open/yardstick/publish/site"
	"github.com/yardstick-open/yardstick/schemas"
)

// The fixture types and writers live in publishtest, shared with the
// packages that serve releases.
type (
	obs = publishtest.Obs
	sub = publishtest.Sub
)

var (
	addSubmissions = publishtest.WriteSubmissions
	reference      = publishtest.Reference
	i64            = publishtest.I64
	f64            = publishtest.F64
)

func testSQL(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name+".sql"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// newBuilder returns a Builder for the data folder root whose clock reads
// the times given, one per call, then the last one for ever.
func newBuilder(root string, times ...time.Time) *Builder {
	cat, councils := reference()
	var mu sync.Mutex
	return &Builder{
		Layout:    schemas.Layout{Root: root},
		Catalogue: cat,
		Councils:  councils,
		Now: func() time.Time {
			mu.Lock()
			defer mu.Unlock()
			t := times[0]
			if len(times) > 1 {
				times = times[1:]
			}
			return t
		},
		DuckDB: duckdbOptions,
		Site:   &site.Builder{Workers: 2},
	}
}
