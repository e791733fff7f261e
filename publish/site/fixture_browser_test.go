package site_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/publish"
	"github.com/yardstick-open/yardstick/publish/api"
	"github.com/yardstick-open/yardstick/publish/duckdb"
	"github.com/yardstick-open/yardstick/publish/publishtest"
	"github.com/yardstick-open/yardstick/publish/site"
	"github.com/yardstick-open/yardstick/schemas"
)

// The browser fixture is its own, apart from the golden files' small
// release: its councils are in four regions, so a region filter has
// something to tell apart, and one metric has more rows than one page
// holds, so its table is split into a page per region.
const (
	browserOnTime = "hc-visits-on-time" // a short table of four regions
	browserMissed = "hc-missed-visits"  // a table split by region
	browserQ1     = "2024-25-Q1"
	browserQ2     = "2024-25-Q2"
	// browserChain is the provider found by the search box.
	browserChain     = "1-101234567"
	browserChainName = "Brightwater Care Ltd"
	// browserChainAlias is the name one of the four councils gives the
	// chain, which the search box finds it by too.
	browserChainAlias = "BWC Home Support"
	// browserSplitPerCouncil is each split-table council's providers.
	browserSplitPerCouncil = 20
	// browserSplitCouncilsPerRegion are the split table's councils in
	// each of the four regions.
	browserSplitCouncilsPerRegion = 3
)

// browserOnTimeCouncils are the councils of the short table, one a region.
var browserOnTimeCouncils = []string{
	"E08000009", // Trafford, North West
	"E08000035", // Leeds, Yorkshire and The Humber
	"E09000007", // Camden, London
	"E06000023", // Bristol, South West
}

// browserRelease is a published release with its website, served on
// loopback by publish/api.
type browserRelease struct {
	Release *schemas.Release
	// URL is the server's root, where the current release is served.
	URL string
	// SplitCouncils are the councils of the split table, by region.
	SplitCouncils map[string][]string
	// Republish publishes a newer release of the same returns, has the
	// server serve it at /, and returns it.
	Republish func(testing.TB) *schemas.Release
}

// browserSubs are the returns of the browser fixture: the on-time metric
// in two quarters from four councils of four regions (a chain in all
// four, one of which calls it by another name, a charity in two, a
// withheld figure), and in the second quarter
// missed visits from 20 providers in each of three councils of each of
// the same four regions, too many rows for one page.
func browserSubs(councils *schemas.Councils) ([]publishtest.Sub, map[string][]string) {
	i64, f64 := publishtest.I64, publishtest.F64
	onTime := func(council, provider, name, sector, period string, num, den int64) publishtest.Obs {
		return publishtest.Obs{Council: council, Provider: provider, Name: name, Sector: sector, Service: "homecare",
			Metric: browserOnTime, Period: period, Num: i64(num), Den: i64(den), Value: f64(float64(num) / float64(den) * 100)}
	}
	regions := map[string]bool{}
	for _, code := range browserOnTimeCouncils {
		c, ok := councils.ByCode(code)
		if !ok {
			panic("browser fixture: no council " + code)
		}
		regions[c.Region] = true
	}
	// Councils of each region, other than the short table's, for the
	// split table.
	split := map[string][]string{}
	for _, c := range councils.All() {
		if c.Current() && c.SocialCare() && regions[c.Region] && len(split[c.Region]) < browserSplitCouncilsPerRegion && !browserOnTimeCouncil(c.Code) {
			split[c.Region] = append(split[c.Region], c.Code)
		}
	}
	rows := map[string]map[string][]publishtest.Obs{} // council, period
	add := func(council, period string, o ...publishtest.Obs) {
		if rows[council] == nil {
			rows[council] = map[string][]publishtest.Obs{}
		}
		rows[council][period] = append(rows[council][period], o...)
	}
	for i, p := range []string{browserQ1, browserQ2} {
		bump := int64(i * 5)
		for j, c := range browserOnTimeCouncils {
			name := browserChainName
			if j == 3 {
				name = browserChainAlias
			}
			add(c, p, onTime(c, browserChain, name, "private", p, 850+bump-int64(40*j), 1000))
			if j%2 == 0 {
				add(c, p, onTime(c, "1-102345678", "Hope & Co Homecare", "voluntary", p, 400-int64(30*j), 460))
			} else {
				add(c, p, onTime(c, "1-103456789", "Cedar Lodge Care", "private", p, 90+int64(j), 120))
			}
		}
		add(browserOnTimeCouncils[2], p, publishtest.Obs{Council: browserOnTimeCouncils[2], Provider: "1-104567890",
			Name: "Tiny Care", Sector: "private", Service: "homecare", Metric: browserOnTime, Period: p,
			Status: "c", Note: "withheld: fewer than ten visits"})
	}
	n := 0
	for _, codes := range split {
		for _, c := range codes {
			for p := range browserSplitPerCouncil {
				den := int64(400 + 37*p + 11*n)
				missed := int64(2 + (p*7+n*3)%25)
				add(c, browserQ2, publishtest.Obs{Council: c, Provider: fmt.Sprintf("1-2%08d", p),
					Name: fmt.Sprintf("Northern Lights Home Care number %d", p), Sector: "private", Service: "homecare",
					Metric: browserMissed, Period: browserQ2, Num: i64(missed), Den: i64(den),
					Value: f64(float64(missed) / float64(den) * 1000)})
			}
			n++
		}
	}
	var subs []publishtest.Sub
	for c, byPeriod := range rows {
		for i, p := range []string{browserQ1, browserQ2} {
			if len(byPeriod[p]) == 0 {
				continue
			}
			subs = append(subs, publishtest.Sub{ID: fmt.Sprintf("2025010%dT000000Z-%s", i+1, strings.ToLower(c)),
				Council: c, Received: time.Date(2025, 1, i+1, 0, 0, 0, 0, time.UTC), Rows: byPeriod[p]})
		}
	}
	return subs, split
}

// browserOnTimeCouncil reports whether code is a council of the short
// table.
func browserOnTimeCouncil(code string) bool {
	for _, c := range browserOnTimeCouncils {
		if c == code {
			return true
		}
	}
	return false
}

// serveBrowserFixture publishes the browser fixture with its website into
// a new data folder and serves it through publish/api on 127.0.0.1 until
// the test ends.
func serveBrowserFixture(tb testing.TB) *browserRelease {
	tb.Helper()
	dir := tb.TempDir()
	cat, councils := publishtest.Reference()
	subs, split := browserSubs(councils)
	publishtest.WriteSubmissions(tb, dir, subs...)
	layout := schemas.Layout{Root: dir}
	opts := duckdb.Options{Threads: 2, MemoryLimit: "1GB"}
	srv := api.New(api.Config{Layout: layout, DuckDB: duckdb.Options{Threads: 1, MemoryLimit: "256MB"}, Rate: -1})
	// The API's OpenAPI document depends on its routes only, so the
	// server answers it before it has a release: the website's API page
	// is made from the real document.
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("GET", api.Prefix+"/openapi.json", nil))
	if rec.Code != 200 {
		tb.Fatalf("openapi.json before the server opens: %d %s", rec.Code, rec.Body)
	}
	b := &publish.Builder{Layout: layout, Catalogue: cat, Councils: councils,
		Now: func() time.Time { return time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC) }, DuckDB: opts,
		Site: &site.Builder{Workers: 2, OpenAPI: rec.Body.Bytes()}}
	rel, err := b.Publish(context.Background())
	if err != nil {
		tb.Fatalf("publish the browser fixture: %v", err)
	}
	if err := srv.Open(context.Background()); err != nil {
		tb.Fatalf("open the server: %v", err)
	}
	// httptest listens on 127.0.0.1 only.
	ts := httptest.NewServer(srv)
	tb.Cleanup(func() {
		ts.Close()
		srv.Close()
	})
	// republish publishes the same returns again, a day later, as a
	// newer release, and has the server switch to it, as its watcher
	// (which only Serve starts) would within a second.
	republish := func(tb testing.TB) *schemas.Release {
		tb.Helper()
		b.Now = func() time.Time { return time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC) }
		rel, err := b.Publish(context.Background())
		if err != nil {
			tb.Fatalf("publish the browser fixture again: %v", err)
		}
		if err := srv.Reload(context.Background()); err != nil {
			tb.Fatalf("reload the server: %v", err)
		}
		return rel
	}
	return &browserRelease{Release: rel, URL: ts.URL, SplitCouncils: split, Republish: republish}
}
