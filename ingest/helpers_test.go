package ingest

import (
	"os"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/schemas"
	"github.com/yardstick-open/yardstick/schemas/config"
)

// fixedNow is the receipt time tests use, so "in the future" is stable.
var fixedNow = func() time.Time { return time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC) }

// testPipeline returns a pipeline over the built-in catalogue and the real
// register of councils, writing to a fresh temporary data folder.
func testPipeline(tb testing.TB) *Pipeline {
	tb.Helper()
	cat, err := config.Builtin()
	if err != nil {
		tb.Fatal(err)
	}
	councils, err := schemas.LoadCouncils(os.DirFS("../data/reference"))
	if err != nil {
		tb.Fatal(err)
	}
	return &Pipeline{Layout: schemas.Layout{Root: tb.TempDir()}, Catalogue: cat, Councils: councils, Now: fixedNow}
}
