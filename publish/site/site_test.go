package site_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"html"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/publish"
	"github.com/yardstick-open/yardstick/publish/duckdb"
	"github.com/yardstick-open/yardstick/publish/publishtest"
	"github.com/yardstick-open/yardstick/publish/site"
	"github.com/yardstick-open/yardstick/schemas"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

var t0 = time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)

const (
	trafford   = "E08000009"
	bury       = "E08000002"
	manchester = "E08000003"
	onTime     = "hc-visits-on-time"
	q1, q2     = "2024-25-Q1", "2024-25-Q2"
	// odd is a provider id that is not safe in a URL as it stands.
	odd = "LOCAL-TRF-HOME CARE"
)

var (
	i64 = publishtest.I64
	f64 = publishtest.F64
)

// visit is a home-care figure of a provider in a council.
func visit(council, provider, name, sector, period string, num, den int64) publishtest.Obs {
	return publishtest.Obs{Council: council, Provider: provider, Name: name, Sector: sector, Service: "homecare",
		Metric: onTime, Period: period, Num: i64(num), Den: i64(den), Value: f64(float64(num) / float64(den) * 100)}
}

// smallSubs are three councils' returns for two quarters: a chain in all
// three, a charity, an in-house service with an awkward id, a withheld
// figure with a note, an outlier, and a council-wide figure.
func smallSubs() []publishtest.Sub {
	day := func(d int) time.Time { return time.Date(2025, 1, d, 0, 0, 0, 0, time.UTC) }
	var subs []publishtest.Sub
	for i, p := range []string{q1, q2} {
		bump := int64(i * 5)
		subs = append(subs,
			publishtest.Sub{ID: fmt.Sprintf("2025010%dT000000Z-trf", i+1), Council: trafford, Received: day(i + 1), Rows: []publishtest.Obs{
				visit(trafford, "1-101234567", "Brightwater Care Ltd", "private", p, 850+bump, 1000),
				visit(trafford, "1-102345678", "Hope & Co Homecare", "voluntary", p, 400, 460),
				visit(trafford, odd, "Trafford in-house home care", "public", p, 300, 500),
				{Council: trafford, Service: "adult-social-care", Metric: "asc-user-satisfaction", Period: p,
					Num: i64(620), Den: i64(1000), Value: f64(62)},
			}},
			publishtest.Sub{ID: fmt.Sprintf("2025010%dT000000Z-bur", i+1), Council: bury, Received: day(i + 1), Rows: []publishtest.Obs{
				visit(bury, "1-101234567", "Brightwater Care Ltd", "private", p, 700+bump, 800),
				visit(bury, "1-103456789", "Cedar Lodge Care", "private", p, 90, 120),
				{Council: bury, Provider: "1-104567890", Name: "Tiny Care", Sector: "private", Service: "homecare",
					Metric: onTime, Period: p, Status: "c", Note: "withheld: fewer than ten visits"},
				{Council: bury, Service: "adult-social-care", Metric: "asc-user-satisfaction", Period: p,
					Num: i64(640), Den: i64(1000), Value: f64(64)},
			}},
			publishtest.Sub{ID: fmt.Sprintf("2025010%dT000000Z-man", i+1), Council: manchester, Received: day(i + 1), Rows: []publishtest.Obs{
				visit(manchester, "1-101234567", "Brightwater Care Ltd", "private", p, 1800+bump, 2000),
				visit(manchester, "1-103456789", "Cedar Lodge Care", "private", p, 880, 1000),
				{Council: manchester, Service: "adult-social-care", Metric: "asc-user-satisfaction", Period: p,
					Num: i64(580), Den: i64(1000), Value: f64(58), Note: "survey year"},
			}},
		)
	}
	return subs
}

// publishRelease publishes subs with the website into a new data folder
// under dir and returns the release.
func publishRelease(tb testing.TB, dir string, subs []publishtest.Sub, withSite bool) *schemas.Release {
	tb.Helper()
	publishtest.WriteSubmissions(tb, dir, subs...)
	cat, councils := publishtest.Reference()
	b := &publish.Builder{Layout: schemas.Layout{Root: dir}, Catalogue: cat, Councils: councils,
		Now: func() time.Time { return t0 }, DuckDB: duckdb.Options{Threads: 2, MemoryLimit: "1GB"}}
	if withSite {
		b.Site = &site.Builder{Workers: 2, PageLimit: pageLimits[filepath.Base(dir)]}
	}
	rel, err := b.Publish(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return rel
}

// pageLimits are the page limits (site.Builder.PageLimit) of fixtures
// whose tables are to be split onto numbered pages: a few hundred rows,
// which is what a test can publish quickly, take less than
// site.MaxPageBytes.
var pageLimits = map[string]int{"wide": wideLimit}

// fixtures are built once and shared by the tests, which only read them.
var (
	fixtureDir   string
	fixtureMu    sync.Mutex
	fixtureCache = map[string]*schemas.Release{}
)

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "site-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fixtureDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// fixture returns the release named name, built by subs on first use.
func fixture(tb testing.TB, name string, subs func() []publishtest.Sub) *schemas.Release {
	tb.Helper()
	fixtureMu.Lock()
	defer fixtureMu.Unlock()
	if rel, ok := fixtureCache[name]; ok {
		return rel
	}
	rel := publishRelease(tb, filepath.Join(fixtureDir, name), subs(), true)
	fixtureCache[name] = rel
	return rel
}

func small(tb testing.TB) *schemas.Release { return fixture(tb, "small", smallSubs) }

// history returns the second of two releases: smallSubs, then a second
// return from Trafford for the second quarter that revises Brightwater's
// figure and leaves out Hope & Co's (a withdrawal), published an hour
// later with the API page, from testdata/openapi.json.
func history(tb testing.TB) *schemas.Release {
	tb.Helper()
	fixtureMu.Lock()
	defer fixtureMu.Unlock()
	if rel, ok := fixtureCache["history"]; ok {
		return rel
	}
	dir := filepath.Join(fixtureDir, "history")
	publishRelease(tb, dir, smallSubs(), true)
	doc, err := os.ReadFile(filepath.Join("testdata", "openapi.json"))
	if err != nil {
		tb.Fatal(err)
	}
	publishtest.WriteSubmissions(tb, dir, publishtest.Sub{ID: "20250301T000000Z-trf", Council: trafford,
		Received: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), Rows: []publishtest.Obs{
			visit(trafford, "1-101234567", "Brightwater Care Ltd", "private", q2, 905, 1000),
			visit(trafford, odd, "Trafford in-house home care", "public", q2, 300, 500),
			{Council: trafford, Service: "adult-social-care", Metric: "asc-user-satisfaction", Period: q2,
				Num: i64(620), Den: i64(1000), Value: f64(62)},
		}})
	cat, councils := publishtest.Reference()
	b := &publish.Builder{Layout: schemas.Layout{Root: dir}, Catalogue: cat, Councils: councils,
		Now: func() time.Time { return t0.Add(time.Hour) }, DuckDB: duckdb.Options{Threads: 2, MemoryLimit: "1GB"},
		Site: &site.Builder{Workers: 2, OpenAPI: doc}}
	rel, err := b.Publish(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	fixtureCache["history"] = rel
	return rel
}

// largeSubs are one quarter of home-care visits from 30 providers in each
// of 150 social-care councils: 4,500 rows of one metric, more than one page
// holds.
func largeSubs() []publishtest.Sub {
	_, councils := publishtest.Reference()
	var subs []publishtest.Sub
	for _, c := range councils.All() {
		if !c.Current() || !c.SocialCare() || !strings.HasPrefix(c.Code, "E") || len(subs) == 150 {
			continue
		}
		s := publishtest.Sub{ID: "20250101T000000Z-" + c.Code, Council: c.Code, Received: t0.Add(-time.Hour)}
		for p := range 30 {
			id := fmt.Sprintf("1-1%08d", p)
			den := int64(200 + 37*p + len(subs)*3)
			s.Rows = append(s.Rows, visit(c.Code, id, fmt.Sprintf("Provider number %d of a long name Ltd", p), "private", q1, den*(80+int64(p%15))/100, den))
		}
		subs = append(subs, s)
	}
	return subs
}

func large(tb testing.TB) *schemas.Release { return fixture(tb, "large", largeSubs) }

// pages returns the HTML files of a release folder, by path.
func pages(tb testing.TB, dir string) []string {
	tb.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".html") {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

var reLink = regexp.MustCompile(`(?:href|src|data-index)="([^"]*)"`)

// links returns the URLs a page links to.
func links(page []byte) []string {
	var out []string
	for _, m := range reLink.FindAllSubmatch(page, -1) {
		out = append(out, html.UnescapeString(string(m[1])))
	}
	return out
}

// TestGolden compares a page of each kind, and its JSON twin, with
// testdata/golden; -update rewrites them.
func TestGolden(t *testing.T) {
	t.Parallel()
	// The data files' sums and sizes are DuckDB's to decide.
	reSum := regexp.MustCompile(`[0-9a-f]{64}`)
	reBytes := regexp.MustCompile(`("bytes": |data-v="|"contentSize":")\d+("?>?| B)[\d,]*`)
	for _, tc := range []struct {
		Name, File string
		History    bool // of the history fixture, not the small one
	}{
		{"home.html", "index.html", false},
		{"home.json", "index.json", false},
		{"metric.html", "metrics/" + onTime + "/index.html", false},
		{"metric.json", "metrics/" + onTime + "/index.json", false},
		{"metric-period.html", "metrics/" + onTime + "/" + q1 + "/index.html", false},
		{"metric-council-wide.html", "metrics/asc-user-satisfaction/index.html", false},
		{"metric.csv", "metrics/" + onTime + "/" + q1 + "/table.csv", false},
		{"provider.html", "providers/1-101234567/index.html", false},
		{"provider.json", "providers/1-101234567/index.json", false},
		{"provider-odd-id.html", site.File(site.ProviderURL(odd)), false},
		{"council.html", "councils/" + bury + "/index.html", false},
		{"council.json", "councils/" + bury + "/index.json", false},
		{"sectors.html", "sectors/index.html", false},
		{"sectors.json", "sectors/index.json", false},
		{"sectors-metric.html", "sectors/" + onTime + "/index.html", false},
		{"sectors-metric.json", "sectors/" + onTime + "/index.json", false},
		{"sectors.csv", "sectors/" + onTime + "/" + q1 + "/table.csv", false},
		{"downloads.html", "downloads.html", false},
		{"downloads.json", "downloads.json", false},
		{"404.html", "404.html", false},
		{"sitemap.xml", "sitemap.xml", false},
		{"search.json", "search.json", false},
		{"methodology.html", "methodology.html", false},
		{"methodology.json", "methodology.json", false},
		{"releases.html", "releases.html", true},
		{"releases.json", "releases.json", true},
		{"changes.html", "changes/index.html", true},
		{"changes.json", "changes/index.json", true},
		{"api.html", "api.html", true},
		{"api.json", "api.json", true},
		{"home-history.html", "index.html", true},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			rel := small(t)
			if tc.History {
				rel = history(t)
			}
			got, err := os.ReadFile(filepath.Join(rel.Dir, filepath.FromSlash(tc.File)))
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasSuffix(tc.Name, ".json") {
				var buf bytes.Buffer
				if err := json.Indent(&buf, got, "", "  "); err != nil {
					t.Fatalf("%s is not JSON: %v", tc.File, err)
				}
				got = buf.Bytes()
			}
			if strings.HasPrefix(tc.Name, "downloads") || strings.HasPrefix(tc.Name, "home") {
				got = reSum.ReplaceAll(got, []byte("<sha256>"))
				got = reBytes.ReplaceAll(got, []byte("${1}<bytes>$2"))
			}
			golden := filepath.Join("testdata", "golden", tc.Name)
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./publish/site -update to write it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s (go test ./publish/site -update rewrites it):\n%s", tc.File, golden, firstDiff(got, want))
			}
		})
	}
}

// firstDiff shows the first line where got and want differ.
func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d\n got %q\nwant %q", i+1, gl, wl)
		}
	}
	return ""
}

// TestLinks follows every link of every page of both fixtures: each must
// name a file of the release, and none another host.
func TestLinks(t *testing.T) {
	t.Parallel()
	for name, rel := range map[string]*schemas.Release{"small": small(t), "large": large(t), "wide": fixture(t, "wide", wideSubs), "history": history(t)} {
		t.Run(name, func(t *testing.T) {
			checked := 0
			for _, p := range pages(t, rel.Dir) {
				b, err := os.ReadFile(filepath.Join(rel.Dir, filepath.FromSlash(p)))
				if err != nil {
					t.Fatal(err)
				}
				for _, l := range links(b) {
					if strings.HasPrefix(l, "#") || l == "data:," {
						// A fragment, or the empty icon that stops
						// browsers asking the host for /favicon.ico.
						continue
					}
					if strings.Contains(l, "://") || strings.HasPrefix(l, "//") || strings.HasPrefix(l, "/") {
						t.Errorf("%s links to %q, off the release", p, l)
						continue
					}
					target := path.Join(path.Dir(p), strings.SplitN(l, "#", 2)[0])
					if strings.HasSuffix(l, "/") || l == "." || strings.HasSuffix(l, "/.") {
						target = path.Join(target, "index.html")
					}
					if _, err := os.Stat(filepath.Join(rel.Dir, filepath.FromSlash(target))); err != nil {
						t.Errorf("%s links to %q: %v", p, l, err)
					}
					checked++
				}
			}
			if checked < 100 {
				t.Errorf("checked only %d links", checked)
			}
		})
	}
}

// TestPageSize checks that no page of the large fixture is over the limit,
// and that its long table is split, not cut: the parts hold every row.
func TestPageSize(t *testing.T) {
	t.Parallel()
	rel := large(t)
	for _, p := range pages(t, rel.Dir) {
		fi, err := os.Stat(filepath.Join(rel.Dir, filepath.FromSlash(p)))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Size() > site.MaxPageBytes {
			t.Errorf("%s is %d bytes, over %d", p, fi.Size(), site.MaxPageBytes)
		}
	}
	var page site.MetricPage
	readJSON(t, filepath.Join(rel.Dir, "metrics", onTime, q1, "index.json"), &page)
	if page.Total != 4500 || len(page.Parts) < 9 || len(page.Rows) != 0 {
		t.Fatalf("period page: %d rows in total, %d parts, %d rows on it; want 4500 split in parts of regions", page.Total, len(page.Parts), len(page.Rows))
	}
	twins := map[string]site.MetricPage{}
	twin := func(url string) site.MetricPage {
		q, ok := twins[url]
		if !ok {
			readJSON(t, filepath.Join(rel.Dir, filepath.FromSlash(site.JSONURL(url))), &q)
			twins[url] = q
		}
		return q
	}
	listed := func(url string) []site.Part { return twin(url).Parts }
	parts := site.ReachParts(page.Parts, listed)
	for _, e := range site.NeighbourErrors(parts, listed) {
		t.Error(e)
	}
	rows, seen := 0, map[string]bool{}
	for _, part := range parts {
		q := twin(part.URL)
		if len(q.Rows) != part.Rows {
			t.Errorf("%s has %d rows, its link says %d", part.URL, len(q.Rows), part.Rows)
		}
		for _, r := range q.Rows {
			k := r.CouncilCode + "/" + r.ProviderID
			if seen[k] {
				t.Errorf("%s repeats %s", part.URL, k)
			}
			seen[k] = true
		}
		rows += len(q.Rows)
		b, err := os.ReadFile(filepath.Join(rel.Dir, filepath.FromSlash(site.File(part.URL))))
		if err != nil {
			t.Fatal(err)
		}
		if got := bytes.Count(b, []byte("<tr><th scope=\"row\">")); got != part.Rows {
			t.Errorf("%s shows %d rows, want %d", part.URL, got, part.Rows)
		}
		// A page of tables is split from TablePageBytes, not from
		// LongTablePageBytes or MaxPageBytes, since its list of parts
		// does not grow with the table (nearParts); only a page of one
		// row may go past it.
		if part.Rows > 1 && len(b) > site.TablePageBytes {
			t.Errorf("%s holds %d rows in %d bytes, over %d", part.URL, part.Rows, len(b), site.TablePageBytes)
		}
	}
	if rows != page.Total {
		t.Errorf("the parts hold %d rows, want %d", rows, page.Total)
	}
	home, err := os.ReadFile(filepath.Join(rel.Dir, filepath.FromSlash(site.File(site.MetricPeriodURL(onTime, q1)))))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(home, []byte("split by region")) {
		t.Errorf("the period's page does not say where the rest of the table is")
	}
}

// wideSubs are one quarter's returns in which one provider, wide, is in
// each of 150 social-care councils for four services of one metric (600
// figures on its page for the metric), and Trafford commissions 600 home
// care providers: both tables are longer than a page of wideLimit holds,
// even once split by metric and by service, so each goes on numbered
// pages.
func wideSubs() []publishtest.Sub {
	_, councils := publishtest.Reference()
	var subs []publishtest.Sub
	for _, c := range councils.All() {
		if !c.Current() || !c.SocialCare() || !strings.HasPrefix(c.Code, "E") || len(subs) == 150 {
			continue
		}
		s := publishtest.Sub{ID: "20250101T000000Z-" + c.Code, Council: c.Code, Received: t0.Add(-time.Hour)}
		for i, service := range []string{"homecare", "care-home", "supported-living", "childrens-home"} {
			den := int64(300 + 7*i + len(subs))
			num := int64(len(subs)%9 + i)
			s.Rows = append(s.Rows, publishtest.Obs{Council: c.Code, Provider: wide, Name: "Everywhere Care Group PLC", Sector: "plc",
				Service: service, Metric: "complaints-upheld", Period: q1, Num: i64(num), Den: i64(den), Value: f64(float64(num) / float64(den) * 1000)})
		}
		if c.Code == trafford {
			for p := range 600 {
				den := int64(100 + p)
				s.Rows = append(s.Rows, visit(trafford, fmt.Sprintf("1-2%08d", p), fmt.Sprintf("Trafford home care provider %d", p), "private", q1, den*(70+int64(p%25))/100, den))
			}
		}
		subs = append(subs, s)
	}
	return subs
}

// wide is the provider of wideSubs in 150 councils.
const wide = "1-199999999"

// wideLimit is the page limit of wideSubs' site: less than its tables
// take even split by metric and by service. It is over
// LongTablePageBytes, so its tables are split from TablePageBytes, or
// from LongTablePageBytes, or under wideLimit when they cannot be split
// that small.
const wideLimit = 100 << 10

// TestSplitPages checks that a provider's table too long for a page even
// by metric, and a council's too long even by service, go on numbered
// pages: every page under the limit, every row on exactly one page, the
// pages reached from the page they were split from, each linking to the
// first, the last and those either side of it.
func TestSplitPages(t *testing.T) {
	t.Parallel()
	rel := fixture(t, "wide", wideSubs)
	for _, p := range pages(t, rel.Dir) {
		if fi, err := os.Stat(filepath.Join(rel.Dir, filepath.FromSlash(p))); err != nil {
			t.Fatal(err)
		} else if fi.Size() > wideLimit {
			t.Errorf("%s is %d bytes, over %d", p, fi.Size(), wideLimit)
		}
	}
	t.Run("provider", func(t *testing.T) {
		var page site.ProviderPage
		readJSON(t, filepath.Join(rel.Dir, filepath.FromSlash(site.JSONURL(site.ProviderURL(wide)))), &page)
		var parts []site.Part
		var later []site.ProviderSection
		total := 0
		for _, sec := range page.Sections {
			if sec.Metric.ID != "complaints-upheld" {
				continue
			}
			if len(sec.Rows) != 0 {
				t.Errorf("%s: the provider's page shows %d rows of a metric split onto pages of its own", sec.Service, len(sec.Rows))
			}
			// The metric's first service lists its pages; each later one
			// names the page its rows start on instead.
			switch {
			case parts == nil:
				parts = sec.Parts
			case len(sec.Parts) != 0 || sec.RowsFrom == nil:
				t.Errorf("%s: lists %d parts and starts on %v; want the page its rows start on, the metric's list once", sec.Service, len(sec.Parts), sec.RowsFrom)
			default:
				later = append(later, sec)
			}
			total += sec.NRows
		}
		if total != 600 || len(later) == 0 {
			t.Fatalf("the provider's sections count %d rows, %d of them after the first service; want 600, some after it", total, len(later))
		}
		readParts := func(url string) ([]site.Part, []string) {
			var q site.ProviderPage
			readJSON(t, filepath.Join(rel.Dir, filepath.FromSlash(site.JSONURL(url))), &q)
			var keys []string
			for _, sec := range q.Sections {
				for _, r := range sec.Rows {
					keys = append(keys, r.CouncilCode+"/"+r.Service)
				}
			}
			return q.Pages, keys
		}
		// The page each service's rows start on, read from the pages.
		starts := map[string]site.Part{}
		for _, part := range site.ReachParts(parts, func(url string) []site.Part { p, _ := readParts(url); return p }) {
			_, keys := readParts(part.URL)
			for _, k := range keys {
				if service := k[strings.Index(k, "/")+1:]; starts[service].URL == "" {
					starts[service] = part
				}
			}
		}
		html, err := os.ReadFile(filepath.Join(rel.Dir, filepath.FromSlash(site.File(site.ProviderURL(wide)))))
		if err != nil {
			t.Fatal(err)
		}
		for _, sec := range later {
			if want := starts[sec.Service]; sec.RowsFrom.URL != want.URL || sec.RowsFrom.Page != want.Page {
				t.Errorf("%s starts on page %d (%s), its first row is on page %d (%s)", sec.Service, sec.RowsFrom.Page, sec.RowsFrom.URL, want.Page, want.URL)
			}
			link := `from <a href="` + site.Root(site.ProviderURL(wide)) + sec.RowsFrom.URL + `">page ` + strconv.Itoa(sec.RowsFrom.Page) + `</a>`
			if !strings.Contains(string(html), link) {
				t.Errorf("the provider's page does not say where %s starts: %s", sec.Service, link)
			}
		}
		checkParts(t, rel.Dir, site.ProviderURL(wide), parts, total, "councils/", readParts)
	})
	t.Run("council", func(t *testing.T) {
		var page site.CouncilPage
		readJSON(t, filepath.Join(rel.Dir, filepath.FromSlash(site.JSONURL(site.CouncilURL(trafford)))), &page)
		for _, sv := range page.Services {
			if sv.Service != "homecare" {
				continue
			}
			if len(sv.Rows) != 0 || sv.NRows != 601 {
				t.Fatalf("homecare: %d rows on the council's page, %d in all; want none and 601", len(sv.Rows), sv.NRows)
			}
			checkParts(t, rel.Dir, site.CouncilURL(trafford), sv.Parts, sv.NRows, "metrics/", func(url string) ([]site.Part, []string) {
				var q site.CouncilPage
				readJSON(t, filepath.Join(rel.Dir, filepath.FromSlash(site.JSONURL(url))), &q)
				var keys []string
				for _, sv := range q.Services {
					for _, r := range sv.Rows {
						keys = append(keys, r.Metric+"/"+r.ProviderID)
					}
				}
				return q.Pages, keys
			})
			return
		}
		t.Fatal("the council's page has no homecare service")
	})
}

// checkParts checks the numbered pages of a table of total rows split
// from the page at parent, which lists listed of them: more than one,
// every one reached from parent through the pages each lists, numbered in
// order, each linked from parent when listed there and linking to the
// first, the last, and the pages before and after it, holding the rows
// its link says (read reads a part's list of pages and its rows from its
// JSON twin, and its HTML shows as many rows whose header links to a URL
// under rowLink), and every row on exactly one.
func checkParts(t *testing.T, dir, parent string, listed []site.Part, total int, rowLink string, read func(url string) ([]site.Part, []string)) {
	t.Helper()
	if len(listed) < 2 {
		t.Fatalf("%d parts listed, want the table on numbered pages", len(listed))
	}
	page := func(url string) string {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(site.File(url))))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	linked := func(from, to string) bool {
		return slices.Contains(links([]byte(page(from))), site.Root(from)+to)
	}
	for _, part := range listed {
		if !linked(parent, part.URL) {
			t.Errorf("%s does not link to %s, which it lists", parent, part.URL)
		}
	}
	pagesOf := func(url string) []site.Part { p, _ := read(url); return p }
	parts := site.ReachParts(listed, pagesOf)
	for _, e := range site.NeighbourErrors(parts, pagesOf) {
		t.Error(e)
	}
	seen := map[string]int{}
	next := 1
	for i, part := range parts {
		if part.Page != i+1 || part.Pages != len(parts) || part.First != next || part.Last != next+part.Rows-1 {
			t.Errorf("part %d: page %d of %d, rows %d to %d (%d); want page %d of %d from row %d",
				i, part.Page, part.Pages, part.First, part.Last, part.Rows, i+1, len(parts), next)
		}
		next += part.Rows
		for _, j := range []int{0, i - 1, i + 1, len(parts) - 1} {
			if j >= 0 && j < len(parts) && j != i && !linked(part.URL, parts[j].URL) {
				t.Errorf("%s does not link to %s", part.URL, parts[j].URL)
			}
		}
		_, keys := read(part.URL)
		if len(keys) != part.Rows {
			t.Errorf("%s holds %d rows, its link says %d", part.URL, len(keys), part.Rows)
		}
		if got := strings.Count(page(part.URL), `<tr><th scope="row"><a href="`+site.Root(part.URL)+rowLink); got != part.Rows {
			t.Errorf("%s shows %d rows, want %d", part.URL, got, part.Rows)
		}
		for _, k := range keys {
			seen[k]++
		}
	}
	if len(seen) != total {
		t.Errorf("the parts hold %d different rows, want %d", len(seen), total)
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("%s is on %d parts", k, n)
		}
	}
}

// TestChecksums checks that SHA256SUMS covers the website.
func TestChecksums(t *testing.T) {
	t.Parallel()
	rel := small(t)
	sums, err := os.ReadFile(filepath.Join(rel.Dir, schemas.ChecksumsFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range append(pages(t, rel.Dir), "index.json", "search.json", "sitemap.xml", "assets/site.css", "assets/site.js") {
		if !bytes.Contains(sums, []byte("  "+p+"\n")) {
			t.Errorf("SHA256SUMS lacks %s", p)
		}
	}
}

// TestAccessibleMarkup checks the markup rules every page keeps.
func TestAccessibleMarkup(t *testing.T) {
	t.Parallel()
	rel := small(t)
	reHeading := regexp.MustCompile(`<h([1-6])[ >]`)
	for _, p := range pages(t, rel.Dir) {
		b, err := os.ReadFile(filepath.Join(rel.Dir, filepath.FromSlash(p)))
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		for _, want := range []string{`<html lang="en-GB">`, `class="skip" href="#main"`, `<main id="main">`} {
			if !strings.Contains(s, want) {
				t.Errorf("%s lacks %s", p, want)
			}
		}
		if strings.Count(s, "<table") != strings.Count(s, "<caption>") {
			t.Errorf("%s: a table without a caption", p)
		}
		if strings.Count(s, "<th>") > 0 {
			t.Errorf("%s: a header cell without scope", p)
		}
		if strings.Contains(s, "style=") || strings.Contains(s, "<style") || regexp.MustCompile(`<script>`).MatchString(s) {
			t.Errorf("%s has inline style or script, which the server's Content-Security-Policy blocks", p)
		}
		last := 0
		for _, m := range reHeading.FindAllStringSubmatch(s, -1) {
			level := int(m[1][0] - '0')
			if last == 0 && level != 1 || level > last+1 {
				t.Errorf("%s: heading h%d after h%d", p, level, last)
				break
			}
			last = level
		}
	}
}

// TestSearchIndex checks that search.json names every provider and
// council with a page, and each URL exists.
func TestSearchIndex(t *testing.T) {
	t.Parallel()
	rel := small(t)
	var entries []site.SearchEntry
	readJSON(t, filepath.Join(rel.Dir, site.SearchURL), &entries)
	var kinds []string
	for _, e := range entries {
		kinds = append(kinds, e.Kind)
		if _, err := os.Stat(filepath.Join(rel.Dir, filepath.FromSlash(site.File(e.URL)))); err != nil {
			t.Errorf("%s: %v", e.Name, err)
		}
	}
	for kind, n := range map[string]int{"provider": 5, "council": 3, "metric": 2} {
		if got := countOf(kinds, kind); got != n {
			t.Errorf("%d %s entries, want %d", got, kind, n)
		}
	}
}

func countOf(s []string, v string) int {
	n := 0
	for _, x := range s {
		if x == v {
			n++
		}
	}
	return n
}

func readJSON(t testing.TB, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// BenchmarkSite measures pages written a second for a release of 4,500
// rows (one metric), built once without its site.
func BenchmarkSite(b *testing.B) {
	dir := b.TempDir()
	rel := publishRelease(b, dir, append(largeSubs(), smallSubs()...), false)
	r, err := duckdb.OpenRelease(context.Background(), filepath.Join(rel.Dir, schemas.DatabaseFile), duckdb.Options{Threads: 2})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	cat, _ := publishtest.Reference()
	var pages int
	var elapsed time.Duration
	for b.Loop() {
		out := b.TempDir()
		stats, err := (&site.Builder{}).Build(context.Background(), site.Input{Reader: r, Release: rel, Dir: out, Catalogue: cat})
		if err != nil {
			b.Fatal(err)
		}
		pages += stats.Pages
		elapsed += stats.Elapsed
	}
	b.ReportMetric(float64(pages)/elapsed.Seconds(), "pages/s")
}

// TestSectors checks the sectors pages of the small fixture against its
// returns worked out by hand. In 2024-25 Q1 the private providers are
// Brightwater (850/1000 in Trafford, 700/800 in Bury, 1800/2000 in
// Manchester) and Cedar Lodge (90/120 in Bury, 880/1000 in Manchester),
// with Tiny Care's figure in Bury withheld: 5 figures of 6 pooled,
// 4320/4920 = 87.8049%, from 2 providers in 3 councils. The voluntary
// sector is Hope & Co alone (400/460 = 86.9565%), the public one
// Trafford's in-house service (300/500 = 60%), each one figure, too few
// to compare; no provider is a PLC. England's figure for providers pools
// them all: 5020/5880 = 85.3741%.
func TestSectors(t *testing.T) {
	t.Parallel()
	rel := small(t)
	var page site.SectorsPage
	readJSON(t, filepath.Join(rel.Dir, filepath.FromSlash(site.JSONURL(site.SectorPeriodURL(onTime, q1)))), &page)
	if len(page.Groups) != 1 || page.Groups[0].Service != "homecare" {
		t.Fatalf("%d groups, want homecare alone", len(page.Groups))
	}
	g := page.Groups[0]
	if g.NationalValue == nil || *g.NationalValue != 85.3741 {
		t.Errorf("England's value %v, want 85.3741", g.NationalValue)
	}
	type want struct {
		sector                    string
		rows, providers, councils int64
		figures, blank            int64
		num, den                  int64
		value                     float64
		band                      string
	}
	wants := []want{
		{"public", 1, 1, 1, 1, 0, 300, 500, 60, "not_compared"},
		{"voluntary", 1, 1, 1, 1, 0, 400, 460, 86.9565, "not_compared"},
		{"private", 5, 2, 3, 6, 1, 4320, 4920, 87.8049, "better"},
		{"plc", 0, 0, 0, 0, 0, 0, 0, 0, ""},
	}
	if len(g.Sectors) != len(wants) {
		t.Fatalf("%d sectors, want %d", len(g.Sectors), len(wants))
	}
	for i, w := range wants {
		s := g.Sectors[i]
		got := want{s.Sector, s.NRows, s.NProviders, s.NCouncils, s.NFigures, s.NBlank, 0, 0, 0, s.BandNational}
		if s.Numerator != nil && s.Denominator != nil && s.Value != nil {
			got.num, got.den, got.value = *s.Numerator, *s.Denominator, *s.Value
		}
		if got != w {
			t.Errorf("sector %d: got %+v, want %+v", i, got, w)
		}
	}
	html, err := os.ReadFile(filepath.Join(rel.Dir, filepath.FromSlash(site.File(site.SectorPeriodURL(onTime, q1)))))
	if err != nil {
		t.Fatal(err)
	}
	sentence := "In 2024-25 Q1 (Apr–Jun 2024), England&#39;s figure for providers was 85.4%: public providers&#39; 60.0% could not " +
		"be compared (too few figures, 1 where 5 are needed); voluntary providers&#39; 87.0% could not be compared (too few figures, " +
		"1 where 5 are needed); private providers&#39; 87.8% was significantly better than England&#39;s; PLC providers had no figures."
	if !strings.Contains(string(html), sentence) {
		t.Errorf("the page lacks the sentence %q", sentence)
	}
	// The page's CSV holds the sector_benchmarks rows of the release's
	// own file for the metric and period: the same cells, numbers the
	// same numbers (DuckDB writes 60 as 60.0).
	table, err := os.ReadFile(filepath.Join(rel.Dir, filepath.FromSlash(site.TableURL(site.SectorPeriodURL(onTime, q1)))))
	if err != nil {
		t.Fatal(err)
	}
	data := publishtest.ReadData(t, filepath.Join(rel.Dir, filepath.FromSlash(schemas.SectorBenchmarksCSV)))
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	wantCSV := []string{lines[0]}
	for _, l := range lines[1:] {
		if strings.HasPrefix(l, onTime+","+q1+",") {
			wantCSV = append(wantCSV, l)
		}
	}
	sameCell := func(a, b string) bool {
		x, errA := strconv.ParseFloat(a, 64)
		y, errB := strconv.ParseFloat(b, 64)
		return a == b || errA == nil && errB == nil && x == y
	}
	sameLine := func(a, b string) bool {
		return slices.EqualFunc(strings.Split(a, ","), strings.Split(b, ","), sameCell)
	}
	if got := strings.Split(strings.TrimSpace(string(table)), "\n"); !slices.EqualFunc(got, wantCSV, sameLine) {
		t.Errorf("the page's CSV:\n%s\nwant the release's rows:\n%s", strings.Join(got, "\n"), strings.Join(wantCSV, "\n"))
	}
	// Linked from the home page, the nav of every page, the metric's
	// period page, and listed in the sitemap; a metric of council-wide
	// figures only has no sectors page.
	for _, tc := range []struct{ page, link string }{
		{"index.html", "./sectors/"},
		{"downloads.html", "./sectors/"},
		{site.File(site.MetricPeriodURL(onTime, q1)), "../../../sectors/" + onTime + "/" + q1 + "/"},
		{site.File(site.SectorsURL), "../sectors/" + onTime + "/" + q2 + "/"},
	} {
		b, err := os.ReadFile(filepath.Join(rel.Dir, filepath.FromSlash(tc.page)))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(links(b), tc.link) {
			t.Errorf("%s does not link to %s", tc.page, tc.link)
		}
	}
	sitemap, err := os.ReadFile(filepath.Join(rel.Dir, site.SitemapURL))
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{site.SectorsURL, site.SectorMetricURL(onTime), site.SectorPeriodURL(onTime, q1), site.SectorPeriodURL(onTime, q2)} {
		if !bytes.Contains(sitemap, []byte("<loc>"+u+"</loc>")) {
			t.Errorf("sitemap.xml lacks %s", u)
		}
	}
	if _, err := os.Stat(filepath.Join(rel.Dir, "sectors", "asc-user-satisfaction")); !os.IsNotExist(err) {
		t.Errorf("a metric of council-wide figures has a sectors page: %v", err)
	}
}

// TestSearchAliases checks that search.json gives a provider the names
// other councils know it by: Brightwater is "Brightwater Care Ltd" to
// Trafford and Manchester and "BWC Home Support" to Bury, so its
// published name is the one two councils give and the other is an alias.
func TestSearchAliases(t *testing.T) {
	t.Parallel()
	rel := fixture(t, "aliases", func() []publishtest.Sub {
		subs := smallSubs()
		for i := range subs {
			for j := range subs[i].Rows {
				if r := &subs[i].Rows[j]; r.Council == bury && r.Provider == "1-101234567" {
					r.Name = "BWC Home Support"
				}
			}
		}
		return subs
	})
	var entries []site.SearchEntry
	readJSON(t, filepath.Join(rel.Dir, site.SearchURL), &entries)
	for _, e := range entries {
		if e.URL != site.ProviderURL("1-101234567") {
			if len(e.Aliases) != 0 {
				t.Errorf("%s has aliases %q, want none", e.Name, e.Aliases)
			}
			continue
		}
		if e.Name != "Brightwater Care Ltd" || !slices.Equal(e.Aliases, []string{"BWC Home Support"}) {
			t.Errorf("Brightwater's entry is %q with aliases %q, want Brightwater Care Ltd with [BWC Home Support]", e.Name, e.Aliases)
		}
		return
	}
	t.Errorf("search.json has no entry for Brightwater")
}
