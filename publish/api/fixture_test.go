package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/publish"
	"github.com/yardstick-open/yardstick/publish/duckdb"
	"github.com/yardstick-open/yardstick/publish/publishtest"
	"github.com/yardstick-open/yardstick/schemas"
)

// The fixture: three councils, three providers (one whose name a
// spreadsheet would run as a formula) and council-wide rows, two periods,
// a proportion and a rate, published twice with one figure changed.
const (
	trafford   = "E08000009"
	bury       = "E08000002"
	manchester = "E08000003"
	onTime     = "hc-visits-on-time" // a proportion
	missed     = "hc-missed-visits"  // a rate per 1,000
	q1         = "2024-25-Q1"
	q2         = "2024-25-Q2"
	alpha      = "1-101234567"
	formula    = "1-102345678"
	gamma      = "1-103456789"
	// formulaName is a provider name a spreadsheet would run.
	formulaName = `=HYPERLINK("http://x","y")`
)

// duckdbOptions keep each server's DuckDB small: tests open several.
var duckdbOptions = duckdb.Options{Threads: 1, MemoryLimit: "256MB"}

var (
	t0 = time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)
	t1 = t0.Add(time.Hour)
)

// scratch is the folder TestMain makes for the fixtures every test shares;
// t.TempDir would go with the first test that asked for it.
var scratch string

// TestMain makes the folder of the shared fixture, and removes it after
// the tests.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "yardstick-api-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	scratch = dir
	code := m.Run()
	if sharedServer != nil {
		sharedHTTP.Close()
		sharedServer.Close()
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// fixture is the shared data folder, published twice.
type fixture struct {
	layout schemas.Layout
	// first and second are the two releases; second is current.
	first, second *schemas.Release
}

var (
	fixtureOnce sync.Once
	fixtureVal  *fixture
	fixtureErr  error
)

// sharedFixture builds the fixture data folder once per package run.
func sharedFixture(t testing.TB) *fixture {
	t.Helper()
	fixtureOnce.Do(func() {
		// WriteSubmissions stops the first caller's test on failure;
		// the others then see this.
		fixtureErr = errors.New("failed in the test that built it")
		fixtureVal, fixtureErr = buildFixture(t, filepath.Join(scratch, "shared"))
	})
	if fixtureErr != nil {
		t.Fatalf("build fixture: %v", fixtureErr)
	}
	return fixtureVal
}

// row is one warehouse row of the fixture.
func row(council, provider, name, sector, metric, period string, num, den int64) publishtest.Obs {
	m := int64(100)
	if metric == missed {
		m = 1000
	}
	return publishtest.Obs{Council: council, Provider: provider, Name: name, Sector: sector, Service: "homecare",
		Metric: metric, Period: period, Num: publishtest.I64(num), Den: publishtest.I64(den),
		Value: publishtest.F64(float64(num) / float64(den) * float64(m))}
}

// councilRows are one council's rows for both periods and metrics: each
// provider's, then the council-wide figure. alphaQ1 is Alpha's on-time
// numerator in Q1, the figure the tests change between releases.
func councilRows(council string, alphaQ1 int64, providers ...string) []publishtest.Obs {
	names := map[string][2]string{
		alpha:   {"Alpha Care Ltd", "private"},
		formula: {formulaName, "voluntary"},
		gamma:   {"Gamma Home Care plc", "plc"},
	}
	var rows []publishtest.Obs
	for i, period := range []string{q1, q2} {
		for j, p := range providers {
			n := names[p]
			num := int64(70 + 3*j + 2*i)
			if p == alpha && period == q1 {
				num = alphaQ1
			}
			rows = append(rows,
				row(council, p, n[0], n[1], onTime, period, num, 100),
				row(council, p, n[0], n[1], missed, period, int64(5+j+i), 400))
		}
		rows = append(rows,
			row(council, "", "", "", onTime, period, int64(250+i), 320),
			row(council, "", "", "", missed, period, int64(20+i), 1200))
	}
	return rows
}

// submission is an accepted return of one council.
func submission(id, council string, received time.Time, alphaQ1 int64, providers ...string) publishtest.Sub {
	return publishtest.Sub{ID: id, Council: council, Received: received, Rows: councilRows(council, alphaQ1, providers...)}
}

// builder returns a Builder for root whose clock reads now().
func builder(root string, now func() time.Time) *publish.Builder {
	cat, councils := publishtest.Reference()
	return &publish.Builder{Layout: schemas.Layout{Root: root}, Catalogue: cat, Councils: councils, Now: now,
		DuckDB: duckdb.Options{Threads: 2, MemoryLimit: "1GB"}}
}

// alphaFirst and alphaSecond are Alpha's on-time numerator in Trafford in
// Q1 in the two releases.
const (
	alphaFirst  = 80
	alphaSecond = 88
)

func buildFixture(t testing.TB, root string) (*fixture, error) {
	ctx := context.Background()
	day := func(d int) time.Time { return time.Date(2025, 1, d, 0, 0, 0, 0, time.UTC) }
	publishtest.WriteSubmissions(t, root,
		submission("20250101T000000Z-aaaa", trafford, day(1), alphaFirst, alpha, formula),
		submission("20250102T000000Z-bbbb", bury, day(2), 75, alpha, gamma),
		submission("20250103T000000Z-cccc", manchester, day(3), 72, alpha, gamma))
	now := t0
	b := builder(root, func() time.Time { return now })
	first, err := b.Publish(ctx)
	if err != nil {
		return nil, err
	}
	publishtest.WriteSubmissions(t, root,
		submission("20250201T000000Z-dddd", trafford, day(20), alphaSecond, alpha, formula))
	now = t1
	second, err := b.Publish(ctx)
	if err != nil {
		return nil, err
	}
	return &fixture{layout: b.Layout, first: first, second: second}, nil
}

// copyFixture copies the shared data folder (releases and current link)
// into a new folder of the test's, for tests that change it.
func copyFixture(t *testing.T) *fixture {
	t.Helper()
	f := sharedFixture(t)
	root := t.TempDir()
	if err := os.CopyFS(filepath.Join(root, "releases"), os.DirFS(f.layout.Releases())); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join("releases", f.second.ID), filepath.Join(root, "current")); err != nil {
		t.Fatal(err)
	}
	layout := schemas.Layout{Root: root}
	first, second := *f.first, *f.second
	first.Dir, second.Dir = layout.Release(first.ID), layout.Release(second.ID)
	return &fixture{layout: layout, first: &first, second: &second}
}

// examples are the values a route's Example placeholders take.
func examples() map[string]string {
	return map[string]string{
		"{metric}": onTime, "{period}": q1, "{council}": trafford, "{provider}": alpha, "{providerWord}": "care",
	}
}

// fill replaces an example's placeholders with fixture values.
func fill(example string) string {
	for k, v := range examples() {
		example = strings.ReplaceAll(example, k, v)
	}
	return example
}

// startServer opens a Server for layout with cfg and serves it through
// httptest on loopback; both are closed when the test ends.
func startServer(t testing.TB, layout schemas.Layout, cfg Config) (*Server, *httptest.Server) {
	t.Helper()
	cfg.Layout = layout
	if cfg.DuckDB == (duckdb.Options{}) {
		cfg.DuckDB = duckdbOptions
	}
	if cfg.Rate == 0 {
		cfg.Rate = -1
	}
	s := New(cfg)
	if err := s.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s)
	t.Cleanup(func() {
		hs.Close()
		if err := s.Close(); err != nil {
			t.Errorf("close server: %v", err)
		}
	})
	return s, hs
}

var (
	sharedOnce   sync.Once
	sharedServer *Server
	sharedHTTP   *httptest.Server
)

// shared returns a server of the shared fixture with the default
// configuration but no rate limit, for tests that only read. It stays
// open until the package's tests end.
func shared(t testing.TB) (*fixture, *Server, *httptest.Server) {
	t.Helper()
	f := sharedFixture(t)
	sharedOnce.Do(func() {
		s := New(Config{Layout: f.layout, DuckDB: duckdbOptions, Rate: -1})
		if err := s.Open(context.Background()); err != nil {
			t.Fatalf("open shared server: %v", err)
		}
		sharedServer, sharedHTTP = s, httptest.NewServer(s)
	})
	if sharedServer == nil {
		t.Fatal("the shared server did not start")
	}
	return f, sharedServer, sharedHTTP
}

// answer is a response read whole.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request to the server at base and reads the answer whole.
// Redirects are not followed. headers are name, value pairs.
func do(t testing.TB, method, url string, body io.Reader, headers ...string) answer {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, url, err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: b}
}

func get(t testing.TB, url string, headers ...string) answer {
	t.Helper()
	return do(t, http.MethodGet, url, nil, headers...)
}

// noRedirect is a client that reports redirects rather than following
// them, and asks for no compression unless a test does.
var noRedirect = &http.Client{
	Timeout:       30 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Transport:     &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 16},
}

// decode decodes a JSON body into v.
func (a answer) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(a.body, v); err != nil {
		t.Fatalf("body is not JSON: %v\n%s", err, clipBody(a.body))
	}
}

func clipBody(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + "…"
	}
	return string(b)
}

// checkProblem checks that a is an error answer of the one shape, with
// status want.
func checkProblem(t testing.TB, a answer, want int) Problem {
	t.Helper()
	if a.status != want {
		t.Errorf("status %d, want %d; body %s", a.status, want, clipBody(a.body))
	}
	if ct := a.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type %q, want application/problem+json", ct)
	}
	var raw map[string]any
	if err := json.Unmarshal(a.body, &raw); err != nil {
		t.Fatalf("problem is not JSON: %v\n%s", err, clipBody(a.body))
	}
	for _, k := range []string{"type", "title", "status", "detail", "instance", "code"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("problem lacks %q: %s", k, clipBody(a.body))
		}
	}
	var p Problem
	a.decode(t, &p)
	if p.Status != a.status {
		t.Errorf("problem status %d, HTTP status %d", p.Status, a.status)
	}
	if p.Title != http.StatusText(a.status) || p.Detail == "" || p.Instance == "" || p.Type == "" {
		t.Errorf("problem %+v: want title %q and a type, detail and instance", p, http.StatusText(a.status))
	}
	// 405 has no application code of its own: the request is invalid.
	if got, ok := statuses[p.Code]; !ok || got != a.status && a.status != http.StatusMethodNotAllowed {
		t.Errorf("problem code %q maps to %d, HTTP status %d", p.Code, got, a.status)
	}
	return p
}
