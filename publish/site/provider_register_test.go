package site_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/publish"
	"github.com/yardstick-open/yardstick/publish/duckdb"
	"github.com/yardstick-open/yardstick/publish/publishtest"
	"github.com/yardstick-open/yardstick/publish/site"
	"github.com/yardstick-open/yardstick/registers"
	"github.com/yardstick-open/yardstick/schemas"
)

// harbourRegister is a provider register (registers.WriteJSONLines'
// lines) of one CQC provider, Harbour Homes Ltd, with two care homes:
// Harbour View (1-555000001), rated Good in 2021 then Requires improvement
// in 2023, and Quayside (1-555000002), rated Outstanding in 2024.
const harbourRegister = `{"provider_id":"1-555000000","name":"Harbour Homes Ltd","organisation":"","sector":"private","sector_given":"For-profit","sector_source":"imp-1","sector_as_at":"2024-03-31","rating":"Outstanding","rating_date":"2024-01-10","identifiers":[{"scheme":"cqc_provider","id":"1-555000000"},{"scheme":"cqc_location","id":"1-555000001"},{"scheme":"cqc_location","id":"1-555000002"},{"scheme":"companies_house","id":"GB-COH-01234567"}],"aliases":["Harbour Care Ltd"],"councils":["E08000009"],"locations":[{"id":"1-555000001","name":"Harbour View","postcode":"M33 1AA","council_code":"E08000009","council_given":"Trafford","status":"Active","service_type":"Homecare agencies","source":"imp-1","as_at":"2024-03-31"},{"id":"1-555000002","name":"Quayside","postcode":"M33 1AB","council_code":"E08000009","council_given":"Trafford","status":"Active","service_type":"Homecare agencies","source":"imp-1","as_at":"2024-03-31"}],"ratings":[{"subject":"1-555000001","regulator":"cqc","rating":"Good","given":"Good","date":"2021-03-02","source":"imp-1"},{"subject":"1-555000001","regulator":"cqc","rating":"Requires improvement","given":"Requires improvement","date":"2023-06-15","source":"imp-1"},{"subject":"1-555000002","regulator":"cqc","rating":"Outstanding","given":"Outstanding","date":"2024-01-10","source":"imp-1"}],"facts":[]}
`

// TestProviderPageFromRegister publishes a release whose provider register
// knows the care home Harbour View, which Trafford calls "Harbour Care
// Trafford" (plc) and Bury "Harbour View", and checks what its page and
// the page's twin show, worked out from harbourRegister by hand: the
// home's own name; the register's sector, from the CQC register as at 31
// March 2024; Trafford's spelling as an alias; the provider's
// identifiers with the home's own location id but not Quayside's; its
// latest rating (Requires improvement, 15 June 2023), not Quayside's later
// Outstanding; and its two ratings, oldest first. With chromium, the page
// is checked by axe-core.
func TestProviderPageFromRegister(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const home = "1-555000001"
	dir := t.TempDir()
	day := func(d int) time.Time { return time.Date(2025, 1, d, 0, 0, 0, 0, time.UTC) }
	publishtest.WriteSubmissions(t, dir,
		publishtest.Sub{ID: "20250101T000000Z-trf", Council: trafford, Received: day(1), Rows: []publishtest.Obs{
			visit(trafford, home, "Harbour Care Trafford", "plc", q1, 850, 1000),
			visit(trafford, "1-101234567", "Brightwater Care Ltd", "private", q1, 900, 1000),
		}},
		publishtest.Sub{ID: "20250102T000000Z-bry", Council: bury, Received: day(2), Rows: []publishtest.Obs{
			visit(bury, home, "Harbour View", "", q1, 800, 1000),
			visit(bury, "1-101234567", "Brightwater Care Ltd", "private", q1, 880, 1000),
		}})
	src := filepath.Join(t.TempDir(), "register.jsonl")
	if err := os.WriteFile(src, []byte(harbourRegister), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := duckdb.WriteRegister(ctx, src, registers.RegisterFile(dir)); err != nil {
		t.Fatal(err)
	}
	cat, councils := publishtest.Reference()
	b := &publish.Builder{Layout: schemas.Layout{Root: dir}, Catalogue: cat, Councils: councils,
		Now: func() time.Time { return t0 }, DuckDB: duckdb.Options{Threads: 2, MemoryLimit: "1GB"},
		Site: &site.Builder{Workers: 2}}
	rel, err := b.Publish(ctx)
	if err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(rel.Dir, filepath.FromSlash(site.File(site.ProviderURL(home))))

	twinBytes, err := os.ReadFile(strings.TrimSuffix(page, ".html") + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var twin site.ProviderPage
	if err := json.Unmarshal(twinBytes, &twin); err != nil {
		t.Fatal(err)
	}
	p := twin.Provider
	if p.ProviderName != "Harbour View" || p.Sector != "private" || p.SectorSource != "CQC register as at 2024-03-31, import imp-1" ||
		!slices.Equal(p.Aliases, []string{"Harbour Care Trafford"}) ||
		!slices.Equal(p.Identifiers, []string{"companies_house:GB-COH-01234567", "cqc_location:" + home, "cqc_provider:1-555000000"}) ||
		p.Rating != "Requires improvement" || p.RatingDate == nil || p.RatingDate.String() != "2023-06-15" ||
		!slices.Equal(p.Ratings, []string{"2021-03-02 Good", "2023-06-15 Requires improvement"}) {
		t.Errorf("the twin's provider = %+v", p)
	}

	html, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"<h1>Harbour View",
		"<dt>Sector</dt><dd>private (from the CQC register as at 2024-03-31, import imp-1)</dd>",
		"<dt>Also known as</dt><dd>Harbour Care Trafford</dd>",
		"<dt>Identifiers</dt><dd>Companies House GB-COH-01234567, CQC location 1-555000001, CQC provider 1-555000000</dd>",
		"<dt>Latest rating</dt><dd>Requires improvement, 2023-06-15</dd>",
		"<summary>Rating history (2 ratings, oldest first)</summary><ul><li>2021-03-02 Good</li><li>2023-06-15 Requires improvement</li></ul>",
	} {
		if !strings.Contains(string(html), want) {
			t.Errorf("the page has no %q", want)
		}
	}
	if strings.Contains(string(html), "Outstanding") || strings.Contains(string(html), "1-555000002") {
		t.Error("the page shows the other home's rating or id")
	}

	t.Run("axe", func(t *testing.T) {
		chromium := chromiumPath(t)
		axeSrc := axeSource(t)
		if axeSrc == "" {
			t.Skip("no axe-core")
		}
		hs := httptest.NewServer(http.FileServer(http.Dir(rel.Dir)))
		defer hs.Close()
		browser := startBrowser(t, chromium)
		tb := newBrowserTab(t, browser, true)
		tb.open(t, hs.URL+"/"+site.ProviderURL(home))
		tb.axe(t, axeSrc, "provider with a register")
	})
}
