package site

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yardstick-open/yardstick/publish/duckdb"
	"github.com/yardstick-open/yardstick/schemas"
)

// TestChangesSplit checks that a release with more revisions than a page
// holds lists them all, in numbered pages under TablePageBytes, each saying
// which page it is and linking to the pages near it, from which every page
// is reached: 30,000 changes, hundreds of pages, as many as a national
// release may revise.
func TestChangesSplit(t *testing.T) {
	t.Parallel()
	const n = 30000
	v := func(x float64) *float64 { return &x }
	rel := &schemas.Release{ID: "r2", Previous: "r1"}
	for i := range n {
		key := schemas.ObservationKey{Metric: "on-time", Period: "2024-25-Q1", CouncilCode: "E08000009",
			ProviderID: fmt.Sprintf("1-%06d", i), Service: "homecare"}
		if i%10 == 0 {
			rel.Withdrawals = append(rel.Withdrawals, schemas.Withdrawal{ObservationKey: key, Old: schemas.Figure{Value: v(50)}})
		} else {
			rel.Revisions = append(rel.Revisions, schemas.Revision{ObservationKey: key, Old: schemas.Figure{Value: v(50)},
				New: schemas.Figure{Value: v(51)}})
		}
	}
	dir := t.TempDir()
	s := &siteData{in: Input{Release: rel, Dir: dir}, metricBy: map[string]*schemas.Metric{},
		councilBy: map[string]*duckdb.SiteCouncil{}, serviceTitle: map[string]string{}}
	o := newOutput(context.Background(), dir, 1)
	var r renderer
	if err := s.writeChanges(o, &r, s.changeRows()); err != nil {
		t.Fatal(err)
	}
	if _, err := o.finish(); err != nil {
		t.Fatal(err)
	}
	var first ChangesPage
	readTwin(t, filepath.Join(dir, "changes", "index.json"), &first)
	if len(first.Pages) < 2 || first.Revised != n-n/10 || first.Withdrawn != n/10 {
		t.Fatalf("first page: %d pages, %d revised, %d withdrawn; want several pages, %d and %d", len(first.Pages), first.Revised, first.Withdrawn, n-n/10, n/10)
	}
	twins := map[string]ChangesPage{}
	twin := func(url string) ChangesPage {
		p, ok := twins[url]
		if !ok {
			readTwin(t, filepath.Join(dir, filepath.FromSlash(JSONURL(url))), &p)
			twins[url] = p
		}
		return p
	}
	parts := ReachParts(first.Pages, func(url string) []Part { return twin(url).Pages })
	for _, e := range NeighbourErrors(parts, func(url string) []Part { return twin(url).Pages }) {
		t.Error(e)
	}
	// The first page lists pages 2 to 4 and the last, and says which it
	// leaves out between them, in its HTML and its JSON twin.
	if last := first.Pages[len(first.Pages)-1]; last.Page != len(parts) || last.Skipped != len(parts)-5 {
		t.Errorf("the first page's list ends with %+v, want page %d after %d left out", last, len(parts), len(parts)-5)
	}
	html, err := os.ReadFile(filepath.Join(dir, "changes", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("<li>Pages 5 to %s are not listed here", formatInt(int64(len(parts)-1))); !strings.Contains(string(html), want) {
		t.Errorf("the first page does not say %q", want)
	}
	rows := 0
	for i, part := range parts {
		p := twin(part.URL)
		if p.Page == nil || p.Page.Page != i+1 || p.Page.Pages != len(parts) || len(p.Rows) != part.Rows {
			t.Errorf("%s: page %+v, %d rows; want page %d of %d, of the %d rows its link says", part.URL, p.Page, len(p.Rows), i+1, len(parts), part.Rows)
		}
		// The list stays short however many pages there are: the first,
		// the last, and those near this one.
		if len(p.Pages) > 2*nearPages+3 {
			t.Errorf("%s lists %d pages, want at most %d", part.URL, len(p.Pages), 2*nearPages+3)
		}
		if fi, err := os.Stat(filepath.Join(dir, filepath.FromSlash(File(part.URL)))); err != nil {
			t.Error(err)
		} else if fi.Size() > TablePageBytes {
			t.Errorf("%s: %d bytes, over %d", part.URL, fi.Size(), TablePageBytes)
		}
		rows += len(p.Rows)
	}
	if rows != n {
		t.Errorf("the pages hold %d rows, want %d", rows, n)
	}
	// So many that every page listing every other would not fit in
	// TablePageBytes, as at national scale.
	if len(parts) < 300 {
		t.Errorf("%d pages, want at least 300 for the test to mean anything", len(parts))
	}
	t.Logf("%d changes on %d pages", n, len(parts))
}

func readTwin(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
