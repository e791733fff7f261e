package site_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/audits"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/yardstick-open/yardstick/publish/site"
)

// The browser tests drive Debian's chromium through the website of a
// release served by publish/api, as a reader would: sorting, filtering,
// searching and following links with JavaScript on, and reaching the same
// tables with it off. Every page must load without a console error, an
// uncaught exception or a Content-Security-Policy violation; axe-core
// checks each kind of page for accessibility when AXE_CORE names its
// axe.min.js (or .ci/run has installed it). The tests skip without chromium (or axe-core) unless
// YARDSTICK_REQUIRE_BROWSER=1, which CI sets. A screenshot of each kind of
// page is written to YARDSTICK_ARTIFACTS, or a temporary folder.

// browserStep bounds one step in the browser: a page load, a click, a
// query.
const browserStep = 15 * time.Second

// requireBrowser reports whether a missing browser or axe-core fails the
// tests rather than skipping them.
func requireBrowser() bool { return os.Getenv("YARDSTICK_REQUIRE_BROWSER") == "1" }

// chromiumPath returns the chromium to drive, or skips the test.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "/usr/bin/chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if requireBrowser() {
		t.Fatal("chromium is not installed (apt-get install chromium) and YARDSTICK_REQUIRE_BROWSER=1")
	}
	t.Skip("chromium is not installed; set YARDSTICK_REQUIRE_BROWSER=1 to fail instead")
	return ""
}

// axeSource returns axe-core's script from AXE_CORE or, failing that,
// from where .ci/run installs it; "" when the accessibility checks are to
// be skipped.
func axeSource(t *testing.T) string {
	t.Helper()
	p := os.Getenv("AXE_CORE")
	if cache, err := os.UserCacheDir(); p == "" && err == nil {
		ci := filepath.Join(cache, "yardstick-ci", "node_modules", "axe-core", "axe.min.js")
		if _, err := os.Stat(ci); err == nil {
			p = ci
		}
	}
	if p == "" {
		if requireBrowser() {
			t.Fatal("AXE_CORE (the path of axe-core's axe.min.js) is not set and YARDSTICK_REQUIRE_BROWSER=1")
		}
		t.Log("AXE_CORE is not set: skipping the axe-core checks")
		return ""
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("AXE_CORE: %v", err)
	}
	t.Logf("axe-core from %s", p)
	return string(b)
}

// artifactDir returns the folder the screenshots go to.
func artifactDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("YARDSTICK_ARTIFACTS")
	if dir == "" {
		return t.TempDir()
	}
	dir = filepath.Join(dir, "browser")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// startBrowser starts headless chromium for the test and returns a
// context whose child contexts are its tabs.
func startBrowser(t *testing.T, path string) context.Context {
	t.Helper()
	// The deadline stops a browser that hangs; the test needs far less.
	parent, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.WindowSize(1280, 900),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.DisableGPU,
	)
	if os.Geteuid() == 0 {
		// Chromium will not start its sandbox as root, and CI runs as root.
		opts = append(opts, chromedp.NoSandbox)
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(parent, opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	t.Cleanup(cancelCtx)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", path, err)
	}
	return ctx
}

// cspRecorder keeps the page's securitypolicyviolation events where the
// test can read them; it is added by the DevTools protocol, which the
// policy does not govern.
const cspRecorder = `window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber);
});`

// browserTab is a browser tab that records what goes wrong on its pages.
type browserTab struct {
	ctx context.Context
	js  bool
	mu  sync.Mutex
	bad []string
}

// newBrowserTab opens a tab, with or without JavaScript.
func newBrowserTab(t *testing.T, browser context.Context, js bool) *browserTab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	tb := &browserTab{ctx: ctx, js: js}
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	if err := chromedp.Listen(ctx, tb.record); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, audits.Enable, cdp.Empty{}); err != nil {
		t.Fatalf("enable audits: %v", err)
	}
	// The stylesheet scrolls smoothly for readers who have not asked
	// for less motion; a click computes where its link is before the
	// scroll to it ends, so it would miss a link below the fold.
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}}}); err != nil {
		t.Fatalf("ask for reduced motion: %v", err)
	}
	if js {
		if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspRecorder}); err != nil {
			t.Fatalf("add the CSP recorder: %v", err)
		}
	} else if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatalf("switch JavaScript off: %v", err)
	}
	return tb
}

// record notes the console errors, uncaught exceptions, failed loads and
// CSP violations of the tab. It runs in the tab's event loop.
func (tb *browserTab) record(ev any) {
	var msg string
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type != runtime.ConsoleAPICalledTypeError && ev.Type != runtime.ConsoleAPICalledTypeAssert {
			return
		}
		var args []string
		for _, a := range ev.Args {
			if a.Description != "" {
				args = append(args, a.Description)
			} else {
				args = append(args, string(a.Value))
			}
		}
		msg = fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " "))
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg = "uncaught exception: " + d.Text
		if d.Exception != nil {
			msg += " " + d.Exception.Description
		}
		msg += fmt.Sprintf(" at %s:%d", d.URL, d.LineNumber+1)
	case *log.EventEntryAdded:
		// Failed requests and CSP violations are logged here by the
		// browser itself.
		if ev.Entry.Level != log.EntryLevelError && ev.Entry.Source != log.EntrySourceSecurity {
			return
		}
		msg = fmt.Sprintf("%s %s: %s %s", ev.Entry.Source, ev.Entry.Level, ev.Entry.Text, ev.Entry.URL)
	case *audits.EventIssueAdded:
		if ev.Issue.Code != audits.InspectorIssueCodeContentSecurityPolicyIssue {
			return
		}
		msg = "CSP issue"
		if d := ev.Issue.Details; d != nil && d.ContentSecurityPolicyIssueDetails != nil {
			c := d.ContentSecurityPolicyIssueDetails
			msg += fmt.Sprintf(": %s blocked %q (%s)", c.ViolatedDirective, c.BlockedURL, c.ContentSecurityPolicyViolationType)
		}
	default:
		return
	}
	tb.mu.Lock()
	tb.bad = append(tb.bad, msg)
	tb.mu.Unlock()
}

// problems returns what went wrong on the tab's page since the last call
// and forgets it.
func (tb *browserTab) problems(t *testing.T) []string {
	t.Helper()
	if tb.js {
		csp, err := browserRun(tb, chromedp.Evaluate[[]string](`window.__csp || []`))
		if err != nil {
			t.Fatalf("read the CSP violations: %v", err)
		}
		for _, c := range csp {
			tb.mu.Lock()
			tb.bad = append(tb.bad, "securitypolicyviolation: "+c)
			tb.mu.Unlock()
		}
		// Start the next count afresh on this page too.
		if err := browserDo(tb, chromedp.Evaluate[chromedp.Void](`window.__csp = []`)); err != nil {
			t.Fatal(err)
		}
	}
	tb.mu.Lock()
	defer tb.mu.Unlock()
	bad := slices.Compact(tb.bad)
	tb.bad = nil
	return bad
}

// clean fails the test for anything that went wrong on the page.
func (tb *browserTab) clean(t *testing.T, what string) {
	t.Helper()
	for _, p := range tb.problems(t) {
		// A page that names no icon makes the browser ask for
		// /favicon.ico at the host's root, which a release does not
		// have. That is logged, not failed, until the pages link an
		// icon of their own; then the request, and this, go.
		if strings.Contains(p, "404") && strings.HasSuffix(p, "/favicon.ico") && tb.count(t, `link[rel~="icon"]`) == 0 {
			t.Logf("%s: %s (the page links no icon)", what, p)
			continue
		}
		t.Errorf("%s: %s", what, p)
	}
}

// browserRun runs one action in the tab within browserStep.
func browserRun[T any](tb *browserTab, a chromedp.Action[T]) (T, error) {
	ctx, cancel := context.WithTimeout(tb.ctx, browserStep)
	defer cancel()
	return chromedp.Run(ctx, a)
}

// browserDo runs steps in the tab within browserStep.
func browserDo(tb *browserTab, steps ...chromedp.Action[chromedp.Void]) error {
	_, err := browserRun(tb, chromedp.Steps(steps...))
	return err
}

// browserMust runs one action in the tab and fails the test on an error.
func browserMust[T any](t *testing.T, tb *browserTab, what string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := browserRun(tb, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// open loads url in the tab and checks it answered 200.
func (tb *browserTab) open(t *testing.T, url string) {
	t.Helper()
	resp := browserMust(t, tb, "open "+url, chromedp.NavigateResponse(url))
	if resp.Status != http.StatusOK {
		t.Fatalf("open %s: status %d", url, resp.Status)
	}
}

// follow clicks the link sel finds and waits for the page it leads to.
func (tb *browserTab) follow(t *testing.T, sel string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, browserStep)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("follow %s: %v", sel, err)
	}
	if resp == nil || resp.Status != http.StatusOK {
		t.Fatalf("follow %s: %+v", sel, resp)
	}
}

// location returns the tab's URL.
func (tb *browserTab) location(t *testing.T) string {
	t.Helper()
	return browserMust(t, tb, "location", chromedp.Location())
}

// text returns the text of the first element sel finds.
func (tb *browserTab) text(t *testing.T, sel string) string {
	t.Helper()
	return strings.TrimSpace(browserMust(t, tb, "text of "+sel, chromedp.TextContent(chromedp.CSS(sel))))
}

// count returns how many elements sel finds.
func (tb *browserTab) count(t *testing.T, sel string) int {
	t.Helper()
	return browserMust(t, tb, "count "+sel, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, sel)))
}

// shownRow is a row of a page's league table as shown.
type shownRow struct {
	Cells []string  `json:"cells"`
	Keys  []*string `json:"keys"` // each cell's data-v, the sort key of a number
}

// shownRowsJS reads the rows a table shows, hidden ones left out.
const shownRowsJS = `Array.from(document.querySelectorAll(%q)).filter(r => !r.hidden && r.offsetParent !== null).map(r => ({
  cells: Array.from(r.cells).map(c => c.textContent.trim()),
  keys: Array.from(r.cells).map(c => c.getAttribute("data-v")),
}))`

// rows returns the shown rows of the table sel finds.
func (tb *browserTab) rows(t *testing.T, sel string) []shownRow {
	t.Helper()
	return browserMust(t, tb, "read the rows of "+sel, chromedp.Evaluate[[]shownRow](fmt.Sprintf(shownRowsJS, sel+" tbody tr")))
}

// shownColumn returns one column of rows.
func shownColumn(rows []shownRow, i int) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r.Cells[i])
	}
	return out
}

// shownKeys returns one column's sort keys, blank as NaN.
func shownKeys(t *testing.T, rows []shownRow, i int) []float64 {
	t.Helper()
	var out []float64
	for _, r := range rows {
		if r.Keys[i] == nil {
			t.Fatalf("column %d has no sort key in row %q", i, r.Cells)
		}
		v := *r.Keys[i]
		if v == "" {
			out = append(out, math.NaN())
			continue
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			t.Fatalf("sort key %q: %v", v, err)
		}
		out = append(out, f)
	}
	return out
}

// shoot saves a screenshot of the whole page as name.png.
func (tb *browserTab) shoot(t *testing.T, dir, name string) {
	t.Helper()
	start := time.Now()
	png := browserMust(t, tb, "screenshot "+name, func(ctx context.Context, tg *chromedp.Target) ([]byte, error) {
		m, err := cdp.Call(ctx, tg, page.GetLayoutMetrics, cdp.Empty{})
		if err != nil {
			return nil, err
		}
		// Chromium draws at most 16,384 pixels in one capture.
		w, h := m.CSSContentSize.Width, min(m.CSSContentSize.Height, 16000)
		// Sections the stylesheet lets the browser skip while off screen
		// (content-visibility: auto) are drawn only inside the viewport,
		// so the viewport is made as tall as the capture first.
		if _, err := cdp.Call(ctx, tg, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: int64(w), Height: int64(h), DeviceScaleFactor: 1}); err != nil {
			return nil, err
		}
		defer cdp.Call(ctx, tg, emulation.ClearDeviceMetricsOverride, cdp.Empty{})
		res, err := cdp.Call(ctx, tg, page.CaptureScreenshot, page.CaptureScreenshotParams{
			Format: page.CaptureScreenshotFormatPng, CaptureBeyondViewport: new(true), FromSurface: new(true),
			Clip: &page.Viewport{X: 0, Y: 0, Width: w, Height: h, Scale: 1},
		})
		return res.Data, err
	})
	p := filepath.Join(dir, name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot of the %s page (%v): %s", name, time.Since(start).Round(time.Millisecond), p)
}

// axeViolation is what axe-core reports of one rule a page breaks.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

const axeRun = `axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v => ({
  id: v.id, impact: v.impact || "", help: v.help,
  nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + ": " + (n.failureSummary || "").split("\n").slice(1).join("; ")),
})))`

// axe runs axe-core over the tab's page and fails the test for each
// violation.
func (tb *browserTab) axe(t *testing.T, src, what string) {
	t.Helper()
	if src == "" {
		return
	}
	start := time.Now()
	vs := tb.axeViolations(t, src)
	for _, v := range vs {
		t.Errorf("axe-core, %s page: %s (%s): %s\n\t%s", what, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n\t"))
	}
	t.Logf("axe-core, %s page: %d violations (%v)", what, len(vs), time.Since(start).Round(time.Millisecond))
}

// axeViolations runs axe-core over the tab's page. The script is injected
// through the DevTools protocol, which the page's Content-Security-Policy
// does not govern.
func (tb *browserTab) axeViolations(t *testing.T, src string) []axeViolation {
	t.Helper()
	if err := browserDo(tb, chromedp.Evaluate[chromedp.Void](src)); err != nil {
		t.Fatalf("inject axe-core: %v", err)
	}
	// axe-core takes seconds over a long page (the downloads page's data
	// dictionary) on a busy machine: give it longer than a step.
	ctx, cancel := context.WithTimeout(tb.ctx, 4*browserStep)
	defer cancel()
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("run axe-core: %v", err)
	}
	return vs
}

// browserMetricTwin is the part of a metric page's JSON twin the tests read.
type browserMetricTwin struct {
	Total int             `json:"total_rows"`
	Rows  site.MetricRows `json:"rows"`
	Parts []struct {
		Title string `json:"title"`
		URL   string `json:"url"`
		Rows  int    `json:"rows"`
	} `json:"parts"`
}

// browserTwin reads the JSON twin of the page at url (a folder) from the
// server.
func browserTwin(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url + "index.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %sindex.json: %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("%sindex.json: %v", url, err)
	}
}

// TestBrowser reads the website as a person would, with JavaScript on and
// off.
func TestBrowser(t *testing.T) {
	start := time.Now()
	chromium := chromiumPath(t)
	axeSrc := axeSource(t)
	shots := artifactDir(t)
	fx := serveBrowserFixture(t)
	t.Logf("published and serving the fixture in %v", time.Since(start).Round(time.Millisecond))
	browser := startBrowser(t, chromium)
	t.Logf("chromium started after %v", time.Since(start).Round(time.Millisecond))
	base := fx.URL + "/"
	onTimeURL := base + "metrics/" + browserOnTime + "/"
	var onTime browserMetricTwin
	browserTwin(t, onTimeURL, &onTime)
	if len(onTime.Rows) < 5 || onTime.Total != len(onTime.Rows) {
		t.Fatalf("the on-time metric page has %d of %d rows; want them all on one page", len(onTime.Rows), onTime.Total)
	}
	// What the JavaScript-off tab must show as well.
	var shownWithJS []shownRow

	t.Run("Home", func(t *testing.T) {
		tb := newBrowserTab(t, browser, true)
		tb.open(t, base)
		if got := tb.text(t, "h1"); !strings.Contains(got, "providers") {
			t.Errorf("home page heading %q", got)
		}
		// The script hides the hint that search needs it.
		if hidden := browserMust(t, tb, "hint", chromedp.Evaluate[bool](`document.getElementById("q-hint").hidden`)); !hidden {
			t.Errorf("the search hint for readers without JavaScript is shown with it on")
		}
		tb.shoot(t, shots, "home")
		tb.axe(t, axeSrc, "home")
		tb.clean(t, "home page")
	})

	t.Run("Search", func(t *testing.T) {
		tb := newBrowserTab(t, browser, true)
		tb.open(t, base)
		if err := browserDo(tb, chromedp.SendKeys(chromedp.ID("q"), "zzzz")); err != nil {
			t.Fatal(err)
		}
		if err := browserDo(tb, chromedp.WaitVisible(chromedp.CSS("#q-results li"))); err != nil {
			t.Fatal(err)
		}
		if got := tb.text(t, "#q-results"); got != "Nothing matches." {
			t.Errorf("search for zzzz: %q, want Nothing matches.", got)
		}
		// Type the name as a person would, in lower case, after clearing
		// the box.
		if err := browserDo(tb, chromedp.SendKeys(chromedp.ID("q"), strings.Repeat(kb.Backspace, 4)+"brightwater")); err != nil {
			t.Fatal(err)
		}
		if err := browserDo(tb, chromedp.WaitVisible(chromedp.CSS("#q-results a"))); err != nil {
			t.Fatal(err)
		}
		links := browserMust(t, tb, "results", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#q-results a")).map(a => a.textContent)`))
		if !slices.Equal(links, []string{browserChainName}) {
			t.Errorf("search for brightwater found %q, want [%s]", links, browserChainName)
		}
		tb.shoot(t, shots, "home-search")
		tb.follow(t, "#q-results a")
		if got, want := tb.location(t), base+"providers/"+browserChain+"/"; got != want {
			t.Errorf("the result led to %s, want %s", got, want)
		}
		if got := tb.text(t, "h1"); got != browserChainName {
			t.Errorf("provider page heading %q, want %q", got, browserChainName)
		}
		tb.clean(t, "search")
	})

	t.Run("SortButtonsNearScreen", func(t *testing.T) {
		// A table gets its sort buttons as it comes within a screen's
		// height of being seen, not at load: in a window 150 pixels high,
		// the league table below the funnel plot has none until it is
		// scrolled to. Its filter box is there from the start.
		tb := newBrowserTab(t, browser, true)
		browserMust(t, tb, "a short window", func(ctx context.Context, tg *chromedp.Target) (struct{}, error) {
			_, err := cdp.Call(ctx, tg, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
				Width: 1280, Height: 150, DeviceScaleFactor: 1})
			return struct{}{}, err
		})
		tb.open(t, base+"metrics/"+browserOnTime+"/")
		const first = `document.querySelector("table.sortable")`
		// Two frames: the observer has reported every table by then.
		top := browserMust(t, tb, "the table's place", chromedp.Evaluate[float64](
			`new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(`+first+`.getBoundingClientRect().top))))`,
			chromedp.EvalAwaitPromise))
		if top < 2*150+50 {
			t.Fatalf("the league table starts %.0f pixels down, within two windows of 150: the fixture no longer tests this", top)
		}
		if n := tb.count(t, "table.sortable thead button"); n != 0 {
			t.Errorf("%d sort buttons before the table came near the screen", n)
		}
		if n := tb.count(t, "p.filter input"); n == 0 {
			t.Errorf("no filter box at load")
		}
		browserMust(t, tb, "scroll to the table", chromedp.Evaluate[bool](`(`+first+`.scrollIntoView(), true)`))
		if err := browserDo(tb, chromedp.WaitVisible(chromedp.CSS("table.sortable thead th:nth-child(5) button"))); err != nil {
			t.Fatalf("no sort button once the table is on screen: %v", err)
		}
		tb.clean(t, "sort buttons near the screen")
	})

	t.Run("SearchAlias", func(t *testing.T) {
		// One council calls the chain by another name: searching for it
		// finds the chain under its published name, saying which name
		// matched.
		tb := newBrowserTab(t, browser, true)
		tb.open(t, base)
		if err := browserDo(tb, chromedp.SendKeys(chromedp.ID("q"), "bwc home")); err != nil {
			t.Fatal(err)
		}
		if err := browserDo(tb, chromedp.WaitVisible(chromedp.CSS("#q-results a"))); err != nil {
			t.Fatal(err)
		}
		links := browserMust(t, tb, "results", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#q-results a")).map(a => a.textContent)`))
		if !slices.Equal(links, []string{browserChainName}) {
			t.Errorf("search for bwc home found %q, want [%s]", links, browserChainName)
		}
		if got := tb.text(t, "#q-results li"); !strings.Contains(got, "also called "+browserChainAlias) {
			t.Errorf("the result %q does not say which name matched", got)
		}
		tb.follow(t, "#q-results a")
		if got, want := tb.location(t), base+"providers/"+browserChain+"/"; got != want {
			t.Errorf("the result led to %s, want %s", got, want)
		}
		tb.clean(t, "search by alias")
	})

	t.Run("Sectors", func(t *testing.T) {
		tb := newBrowserTab(t, browser, true)
		tb.open(t, base+"sectors/")
		if got := tb.text(t, "h1"); got != "Providers by sector" {
			t.Errorf("sectors page heading %q", got)
		}
		// Each metric with provider figures, the four sectors in each.
		if n := tb.count(t, "table.data tbody tr"); n == 0 || n%4 != 0 {
			t.Errorf("the sectors tables have %d rows, want four a metric", n)
		}
		if n := tb.count(t, "figure.intervals svg"); n == 0 {
			t.Errorf("the sectors page has no chart")
		}
		tb.shoot(t, shots, "sectors")
		tb.axe(t, axeSrc, "sectors")
		tb.follow(t, `a[href$="sectors/`+browserOnTime+`/`+browserQ2+`/"]`)
		if got := tb.text(t, "h1"); !strings.HasPrefix(got, "Home care visits on time by sector") {
			t.Errorf("the metric's sectors page heading %q", got)
		}
		if n := tb.count(t, "nav.periods a"); n != 2 {
			t.Errorf("the period picker has %d links, want 2", n)
		}
		rows := tb.rows(t, "table.data")
		var sectors []string
		for _, r := range rows {
			sectors = append(sectors, r.Cells[0])
		}
		if !slices.Equal(sectors, []string{"Public", "Voluntary", "Private", "PLC"}) {
			t.Errorf("the sectors shown are %q", sectors)
		}
		tb.shoot(t, shots, "sectors-metric")
		tb.axe(t, axeSrc, "sectors metric")
		tb.clean(t, "sectors pages")
	})

	t.Run("Metric", func(t *testing.T) {
		tb := newBrowserTab(t, browser, true)
		tb.open(t, onTimeURL)
		const table = "table.sortable"
		rows := tb.rows(t, table)
		shownWithJS = rows
		if len(rows) != len(onTime.Rows) {
			t.Fatalf("the page shows %d rows, its JSON twin has %d", len(rows), len(onTime.Rows))
		}
		for i, r := range rows {
			w := onTime.Rows[i]
			if got := []string{r.Cells[0], r.Cells[1], r.Cells[2]}; !slices.Equal(got, []string{w.ProviderName, w.CouncilName, w.Region}) &&
				!(w.ProviderName == "" && r.Cells[0] == "Council-wide") {
				t.Errorf("row %d shows %q, the JSON twin has %+v", i, got, w)
			}
		}
		tb.shoot(t, shots, "metric")
		tb.axe(t, axeSrc, "metric")
		tb.clean(t, "metric page")

		t.Run("Sort", func(t *testing.T) {
			// The value column (the fifth): best first as published (the
			// metric is higher-is-better), ascending after a click,
			// descending after another, blanks last every time.
			order := func(rows []shownRow) []string {
				var out []string
				for _, r := range rows {
					out = append(out, r.Cells[0]+" in "+r.Cells[1])
				}
				return out
			}
			if before := shownKeys(t, rows, 4); !sortedShownKeys(before, true) {
				t.Errorf("as published, the values are not best first: %v", before)
			}
			for _, dir := range []string{"ascending", "descending"} {
				if err := browserDo(tb, chromedp.Click(chromedp.CSS(table+" thead th:nth-child(5) button"))); err != nil {
					t.Fatal(err)
				}
				shown := tb.rows(t, table)
				if got := shownKeys(t, shown, 4); !sortedShownKeys(got, dir == "descending") || len(got) != len(rows) {
					t.Errorf("after sorting %s by value: %v (%d rows, want %d)", dir, got, len(got), len(rows))
				}
				if aria := tb.attr(t, table+" thead th:nth-child(5)", "aria-sort"); aria != dir {
					t.Errorf("aria-sort %q after sorting %s", aria, dir)
				}
				if dir == "ascending" && slices.Equal(order(shown), order(rows)) {
					t.Errorf("sorting by value did not change the order %q", order(shown))
				}
			}
			// The provider column, by its text.
			if err := browserDo(tb, chromedp.Click(chromedp.CSS(table+" thead th:nth-child(1) button"))); err != nil {
				t.Fatal(err)
			}
			names := shownColumn(tb.rows(t, table), 0)
			if !slices.IsSortedFunc(names, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) }) {
				t.Errorf("after sorting by provider: %q", names)
			}
			if aria := tb.attr(t, table+" thead th:nth-child(5)", "aria-sort"); aria != "" {
				t.Errorf("the value column still says aria-sort=%q after sorting by provider", aria)
			}
			tb.clean(t, "sorting")
		})

		t.Run("FilterByRegion", func(t *testing.T) {
			box := chromedp.CSS("p.filter input")
			for _, region := range []string{"London", "Yorkshire and The Humber"} {
				want := 0
				for _, r := range onTime.Rows {
					if r.Region == region {
						want++
					}
				}
				if want == 0 {
					t.Fatalf("no %s rows in the fixture", region)
				}
				if err := browserDo(tb, chromedp.SendKeys(box, region)); err != nil {
					t.Fatal(err)
				}
				shown := tb.rows(t, table)
				if len(shown) != want {
					t.Errorf("filtered by %s: %d rows shown, want %d", region, len(shown), want)
				}
				for _, r := range shown {
					if r.Cells[2] != region {
						t.Errorf("filtered by %s, the page shows %q", region, r.Cells)
					}
				}
				if got, wantStatus := tb.text(t, "p.filter span"), fmt.Sprintf("%d rows shown", want); got != wantStatus {
					t.Errorf("filter status %q, want %q", got, wantStatus)
				}
				if region == "London" {
					tb.shoot(t, shots, "metric-filtered")
				}
				if err := browserDo(tb, chromedp.SendKeys(box, strings.Repeat(kb.Backspace, len(region)))); err != nil {
					t.Fatal(err)
				}
				if n := len(tb.rows(t, table)); n != len(onTime.Rows) {
					t.Errorf("with the filter emptied, %d rows shown, want %d", n, len(onTime.Rows))
				}
			}
			tb.clean(t, "filtering")
		})

		t.Run("FollowToProvider", func(t *testing.T) {
			const cedar = "1-103456789"
			tb.follow(t, table+` tbody a[href$="providers/`+cedar+`/"]`)
			if got, want := tb.location(t), base+"providers/"+cedar+"/"; got != want {
				t.Errorf("the link led to %s, want %s", got, want)
			}
			if got := tb.text(t, "h1"); got != "Cedar Lodge Care" {
				t.Errorf("provider page heading %q", got)
			}
			if n := tb.count(t, "table.sortable tbody tr"); n != 2 {
				t.Errorf("Cedar Lodge Care's table has %d councils, want 2", n)
			}
			tb.shoot(t, shots, "provider")
			tb.axe(t, axeSrc, "provider")
			tb.clean(t, "provider page")
		})
	})

	t.Run("SplitByRegion", func(t *testing.T) {
		tb := newBrowserTab(t, browser, true)
		url := base + "metrics/" + browserMissed + "/"
		var twin browserMetricTwin
		browserTwin(t, url, &twin)
		want := browserSplitCouncilsPerRegion * browserSplitPerCouncil
		if len(twin.Parts) != len(browserOnTimeCouncils) || twin.Total != want*len(browserOnTimeCouncils) {
			t.Fatalf("missed visits: %d rows in %d parts, want %d in %d", twin.Total, len(twin.Parts), want*len(browserOnTimeCouncils), len(browserOnTimeCouncils))
		}
		tb.open(t, url)
		if n := tb.count(t, "table.sortable tbody tr"); n != 0 {
			t.Errorf("the split table's own page shows %d rows, want none", n)
		}
		tb.shoot(t, shots, "metric-split")
		for _, p := range twin.Parts {
			if p.Title == "London" && p.Rows != want {
				t.Errorf("London's part has %d rows, want %d", p.Rows, want)
			}
		}
		tb.follow(t, `a[href$="/london/"]`)
		tb.shoot(t, shots, "metric-region-part")
		rows := tb.rows(t, "table.sortable")
		if len(rows) != want {
			t.Errorf("London's part shows %d rows, want %d", len(rows), want)
		}
		// A region's part names its region in its caption rather than
		// in a column of its own.
		if got := tb.text(t, "table.sortable caption"); !strings.Contains(got, ": London") {
			t.Errorf("London's part has the caption %q", got)
		}
		if got := tb.text(t, "table.sortable thead"); strings.Contains(got, "Region") {
			t.Errorf("London's part has a region column: %q", got)
		}
		for _, r := range rows {
			if len(r.Cells) != 11 || r.Cells[2] != "Care homes" && r.Cells[2] != "Home care" {
				t.Errorf("London's part shows %q, want 11 cells, the service third", r.Cells)
				break
			}
		}
		tb.axe(t, axeSrc, "metric part")
		tb.clean(t, "region part")
	})

	t.Run("Council", func(t *testing.T) {
		tb := newBrowserTab(t, browser, true)
		tb.open(t, base+"councils/E09000007/")
		if got := tb.text(t, "h1"); got != "Camden" {
			t.Errorf("council page heading %q", got)
		}
		tb.shoot(t, shots, "council")
		tb.axe(t, axeSrc, "council")
		tb.clean(t, "council page")
	})

	t.Run("Downloads", func(t *testing.T) {
		tb := newBrowserTab(t, browser, true)
		tb.open(t, base+"downloads.html")
		if n := tb.count(t, "table.sortable tbody tr"); n < 3 {
			t.Errorf("the downloads table lists %d files", n)
		}
		tb.shoot(t, shots, "downloads")
		tb.axe(t, axeSrc, "downloads")
		tb.clean(t, "downloads page")
	})

	t.Run("About", func(t *testing.T) {
		tb := newBrowserTab(t, browser, true)
		for _, pg := range []struct{ url, name, h1 string }{
			{"methodology.html", "methodology", "How the figures are worked out"},
			{"releases.html", "releases", "Releases"},
		} {
			tb.open(t, base+pg.url)
			if got := tb.text(t, "h1"); got != pg.h1 {
				t.Errorf("%s: heading %q, want %q", pg.url, got, pg.h1)
			}
			tb.shoot(t, shots, pg.name)
			tb.axe(t, axeSrc, pg.name)
		}
		if n := tb.count(t, "table.sortable tbody tr"); n != 1 {
			t.Errorf("the releases page lists %d releases, want 1", n)
		}
		// The API page, from the server's own OpenAPI document: a
		// section for each operation it documents.
		var doc struct {
			Paths map[string]map[string]any `json:"paths"`
		}
		resp, err := http.Get(base + "api/v1/openapi.json")
		if err != nil {
			t.Fatal(err)
		}
		err = json.NewDecoder(resp.Body).Decode(&doc)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		ops := 0
		for _, item := range doc.Paths {
			ops += len(item)
		}
		tb.open(t, base+"api.html")
		if n := tb.count(t, "main section h2 code"); n != ops || ops < 10 {
			t.Errorf("the API page documents %d operations, the OpenAPI document %d", n, ops)
		}
		tb.shoot(t, shots, "api")
		tb.axe(t, axeSrc, "api")
		// The live release's pages say nothing of a newer one.
		if n := tb.count(t, "div.newer"); n != 0 {
			t.Errorf("the live release's page says a newer release exists")
		}
		tb.clean(t, "pages about the release")
	})

	t.Run("NoJavaScript", func(t *testing.T) {
		tb := newBrowserTab(t, browser, false)
		tb.open(t, onTimeURL)
		if n := tb.count(t, "p.filter"); n != 0 {
			t.Errorf("a filter box with JavaScript off")
		}
		if n := tb.count(t, "thead button"); n != 0 {
			t.Errorf("%d sort buttons with JavaScript off", n)
		}
		rows := tb.rows(t, "table.sortable")
		if len(rows) != len(onTime.Rows) {
			t.Errorf("with JavaScript off the table shows %d rows, its JSON twin has %d", len(rows), len(onTime.Rows))
		}
		if len(shownWithJS) > 0 && !slices.EqualFunc(rows, shownWithJS, func(a, b shownRow) bool { return slices.Equal(a.Cells, b.Cells) }) {
			t.Errorf("with JavaScript off the table shows %d rows:\n%v\nwith it on %d:\n%v", len(rows), rows, len(shownWithJS), shownWithJS)
		}
		tb.shoot(t, shots, "metric-nojs")
		tb.clean(t, "metric page without JavaScript")

		// The home page says search needs JavaScript, and the councils'
		// links reach the provider the search found.
		tb.open(t, base)
		if n := tb.count(t, "#q-hint:not([hidden])"); n != 1 {
			t.Errorf("the hint for readers without JavaScript is not shown")
		}
		tb.follow(t, `a[href$="councils/E09000007/"]`)
		tb.follow(t, `main a[href$="providers/`+browserChain+`/"]`)
		if got := tb.text(t, "h1"); got != browserChainName {
			t.Errorf("without JavaScript, Camden's link led to %q", got)
		}
		tb.clean(t, "pages without JavaScript")
	})

	// Last, as it changes the live release: a page of the first release,
	// served at /releases/<id>/ once a newer one is live, says so and
	// links to the same page in the newer one; without JavaScript it
	// says nothing and still shows its own figures.
	t.Run("NewerRelease", func(t *testing.T) {
		newer := fx.Republish(t)
		page := "metrics/" + browserOnTime + "/"
		old := base + "releases/" + fx.Release.ID + "/" + page
		tb := newBrowserTab(t, browser, true)
		var shown bool
		tb.open(t, old)
		// The script asks for the live release.json after the page loads.
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline) && !shown; {
			if shown = tb.count(t, "div.newer[role=status]") == 1; !shown {
				time.Sleep(100 * time.Millisecond)
			}
		}
		if !shown {
			var live struct {
				ID string `json:"id"`
			}
			resp, err := http.Get(base + "release.json")
			if err == nil {
				json.NewDecoder(resp.Body).Decode(&live)
				resp.Body.Close()
			}
			t.Fatalf("%s does not say that release %s is newer (the live release.json says %q, %v; the page's problems: %q)",
				old, newer.ID, live.ID, err, tb.problems(t))
		}
		if got := tb.text(t, "div.newer"); !strings.Contains(got, newer.ID) {
			t.Errorf("the notice says %q, want the newer release's id %s", got, newer.ID)
		}
		if href := tb.attr(t, "div.newer a", "href"); href != "/"+page {
			t.Errorf("the notice links to %q, want /%s", href, page)
		}
		tb.shoot(t, shots, "metric-older-release")
		tb.axe(t, axeSrc, "page of an older release")
		tb.follow(t, "div.newer a")
		if loc := tb.location(t); loc != base+page {
			t.Errorf("the notice's link led to %s, want %s", loc, base+page)
		}
		// The newest release's own page (at its permanent address, which
		// the browser has not cached as it has / from the tests above)
		// says nothing, once the script has had time to ask.
		tb.open(t, base+"releases/"+newer.ID+"/"+page)
		time.Sleep(time.Second)
		if n := tb.count(t, "div.newer"); n != 0 {
			t.Errorf("the newest release's page says a newer release exists")
		}
		tb.clean(t, "pages of an older and a newer release")

		off := newBrowserTab(t, browser, false)
		off.open(t, old)
		if n := off.count(t, "div.newer"); n != 0 {
			t.Errorf("a notice with JavaScript off")
		}
		if n := off.count(t, "table.sortable tbody tr"); n == 0 {
			t.Errorf("the older release's page shows no rows with JavaScript off")
		}
	})

	// The listeners above must see a violation when there is one: an
	// inline script, which the policy forbids.
	t.Run("CSPViolationsAreSeen", func(t *testing.T) {
		tb := newBrowserTab(t, browser, true)
		tb.open(t, base)
		if err := browserDo(tb, chromedp.Evaluate[chromedp.Void](`(() => { const s = document.createElement("script"); s.textContent = "window.__ran = 1"; document.body.appendChild(s); })()`)); err != nil {
			t.Fatal(err)
		}
		if ran := browserMust(t, tb, "ran", chromedp.Evaluate[bool](`window.__ran === 1`)); ran {
			t.Errorf("an inline script ran despite the Content-Security-Policy")
		}
		var csp bool
		for _, p := range tb.problems(t) {
			t.Logf("seen: %s", p)
			csp = csp || strings.Contains(p, "script-src")
		}
		if !csp {
			t.Errorf("the inline script's CSP violation went unseen")
		}
	})
	// And axe-core must see a violation when there is one: an image
	// without a text alternative.
	t.Run("AxeViolationsAreSeen", func(t *testing.T) {
		if axeSrc == "" {
			t.Skip("AXE_CORE is not set")
		}
		tb := newBrowserTab(t, browser, true)
		tb.open(t, base)
		if err := browserDo(tb, chromedp.Evaluate[chromedp.Void](`document.querySelector("main").appendChild(document.createElement("img")).src = "data:,"`)); err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, v := range tb.axeViolations(t, axeSrc) {
			ids = append(ids, v.ID)
		}
		if !slices.Contains(ids, "image-alt") {
			t.Errorf("axe-core reported %q of a page with an image without alt text, want image-alt", ids)
		}
	})
	t.Logf("browser tests took %v", time.Since(start).Round(time.Millisecond))
}

// attr returns an attribute of the first element sel finds, "" if it has
// none.
func (tb *browserTab) attr(t *testing.T, sel, name string) string {
	t.Helper()
	return browserMust(t, tb, "attribute "+name+" of "+sel, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q).getAttribute(%q) || ""`, sel, name)))
}

// sortedShownKeys reports whether keys are in order with NaN (blank) last.
func sortedShownKeys(keys []float64, desc bool) bool {
	for i := 1; i < len(keys); i++ {
		a, b := keys[i-1], keys[i]
		switch {
		case a != a && b == b:
			return false // a blank before a number
		case a != a || b != b:
		case desc && a < b, !desc && a > b:
			return false
		}
	}
	return true
}
