package api

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/yardstick-open/yardstick/publish/duckdb"
	"github.com/yardstick-open/yardstick/schemas"
)

// rawRoutes are the routes that answer outside the release cache, each
// tested by a test of its own; a new one must be added here with its
// test, or TestRoutes fails.
var rawRoutes = map[string]string{
	"submitReturn": "TestReturnsAuthorisation",
	"getReturn":    "TestReturnsAuthorisation",
	"getOpenAPI":   "TestOpenAPI",
}

// exampleURL is rt's example, filled from the fixture, as a URL of hs.
func exampleURL(base string, rt *route) string { return base + Prefix + fill(rt.Example) }

// withQuery adds query to u.
func withQuery(u, query string) string {
	if strings.Contains(u, "?") {
		return u + "&" + query
	}
	return u + "?" + query
}

// pathWith returns rt's path with every path parameter set to v.
func pathWith(rt *route, v string) string {
	p := rt.Path
	for _, prm := range rt.Params {
		if prm.In == "path" {
			p = strings.ReplaceAll(p, "{"+prm.Name+"}", v)
		}
	}
	return p
}

// TestRoutes calls every route of the registry: found, not found, bad
// parameters, CSV, paging, validation, compression, HEAD and CORS.
func TestRoutes(t *testing.T) {
	t.Parallel()
	f, s, hs := shared(t)
	for i := range s.routes {
		rt := &s.routes[i]
		t.Run(rt.Name, func(t *testing.T) {
			t.Parallel()
			if rt.raw != nil {
				if rawRoutes[rt.Name] == "" {
					t.Fatalf("route %s %s answers outside the cache and has no test: add one and list it in rawRoutes", rt.Method, rt.Path)
				}
				return
			}
			if rt.Method != http.MethodGet || rt.Example == "" {
				t.Fatalf("route %s %s: every release route is a GET with an Example", rt.Method, rt.Path)
			}
			u := exampleURL(hs.URL, rt)
			t.Run("found", func(t *testing.T) { testFound(t, f, rt, u) })
			t.Run("not found", func(t *testing.T) { testNotFound(t, hs.URL, f.second.ID, rt) })
			t.Run("bad parameter", func(t *testing.T) { testBadParams(t, hs.URL, rt, u) })
			t.Run("etag", func(t *testing.T) { testETag(t, f, u) })
			t.Run("gzip", func(t *testing.T) { testGzip(t, rt, u) })
			t.Run("head", func(t *testing.T) { testHead(t, u) })
			t.Run("cors", func(t *testing.T) { testCORS(t, u) })
			if rt.List != nil {
				t.Run("csv", func(t *testing.T) { testCSV(t, rt, u) })
				t.Run("paging", func(t *testing.T) { testPaging(t, rt, u) })
			}
		})
	}
}

func testFound(t *testing.T, f *fixture, rt *route, u string) {
	a := get(t, u)
	if a.status != http.StatusOK {
		t.Fatalf("GET %s: status %d, want 200; body %s", u, a.status, clipBody(a.body))
	}
	if ct := a.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
	if got := a.header.Get("X-Release"); got != f.second.ID {
		t.Errorf("X-Release %q, want %q", got, f.second.ID)
	}
	if got, want := a.header.Get("Cache-Control"), "public, max-age=60"; got != want {
		t.Errorf("Cache-Control %q, want %q", got, want)
	}
	var body map[string]any
	a.decode(t, &body)
	if rt.List == nil {
		if len(body) == 0 {
			t.Errorf("empty body")
		}
		return
	}
	items, _ := body["items"].([]any)
	if len(items) == 0 {
		t.Errorf("GET %s: no items; the example should find some: %s", u, clipBody(a.body))
	}
	if total, _ := body["total"].(float64); int(total) < len(items) {
		t.Errorf("total %v, fewer than the %d items", body["total"], len(items))
	}
}

func testNotFound(t *testing.T, base, release string, rt *route) {
	t.Parallel()
	if !rt.pathParam() {
		// A list finds nothing as an empty page, not a 404.
		a := get(t, base+Prefix+rt.Path+"?page=5000")
		if a.status != http.StatusOK {
			t.Errorf("page past the end: status %d, want 200", a.status)
		}
		return
	}
	for _, id := range []string{"no-such-thing", "E99999999", "2000-01-01T000000Z"} {
		u := base + Prefix + pathWith(rt, id)
		p := checkProblem(t, get(t, u), http.StatusNotFound)
		if p.Code != schemas.ENOTFOUND {
			t.Errorf("GET %s: code %q, want %q", u, p.Code, schemas.ENOTFOUND)
		}
		// The detail names what was missing and where to look.
		if !strings.Contains(p.Detail, strconv.Quote(id)) || !strings.Contains(p.Detail, Prefix+"/") {
			t.Errorf("GET %s: detail %q names neither %q nor where to look", u, p.Detail, id)
		}
		// A missing resource is never "not modified", whatever the
		// client holds, and its answer carries no validator.
		for _, inm := range []string{"*", `W/"` + release + `"`} {
			a := get(t, u, "If-None-Match", inm)
			if a.status != http.StatusNotFound || a.header.Get("ETag") != "" {
				t.Errorf("GET %s with If-None-Match %s: status %d, ETag %q; want 404 without an ETag", u, inm, a.status, a.header.Get("ETag"))
			}
		}
	}
	if rt.Name == "getMetric" {
		checkProblem(t, get(t, base+Prefix+pathWith(rt, onTime)+"?period=1999-00-Q9"), http.StatusNotFound)
	}
}

func testBadParams(t *testing.T, base string, rt *route, u string) {
	t.Parallel()
	type test struct{ name, url string }
	tests := []test{{"unknown", withQuery(u, "nope=1")}}
	var queryParams []param
	for _, p := range rt.params() {
		if p.In == "query" {
			queryParams = append(queryParams, p)
		}
	}
	long := strings.Repeat("x", MaxParam+1)
	if rt.pathParam() {
		tests = append(tests, test{"path value too long", base + Prefix + pathWith(rt, long)})
	}
	for _, p := range queryParams {
		value := "1"
		if p.Enum != nil {
			value = p.Enum[0]
		} else if p.Type == "boolean" {
			value = "true"
		}
		tests = append(tests, test{"repeated " + p.Name, withQuery(u, p.Name+"="+value+"&"+p.Name+"="+value)})
		tests = append(tests, test{"too long " + p.Name, withQuery(base+Prefix+pathWith(rt, "x"), p.Name+"="+long)})
		switch {
		case p.Enum != nil:
			tests = append(tests, test{"bad enum " + p.Name, withQuery(u, p.Name+"=no-such-value")})
		case p.Type == "boolean":
			tests = append(tests, test{"not a boolean " + p.Name, withQuery(u, p.Name+"=yes")})
		case p.Type == "integer":
			for _, v := range []string{"two", "1.5", "0", "-1", "", "1e3", "99999999999999999999"} {
				tests = append(tests, test{fmt.Sprintf("%s=%q", p.Name, v), withQuery(u, p.Name+"="+url.QueryEscape(v))})
			}
		}
	}
	if rt.List != nil {
		tests = append(tests,
			test{"page_size over the most", withQuery(u, fmt.Sprintf("page_size=%d", duckdb.MaxPageSize+1))},
			test{"format xml", withQuery(u, "format=xml")})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := checkProblem(t, get(t, tc.url), http.StatusBadRequest)
			if p.Code != schemas.EINVALID {
				t.Errorf("GET %s: code %q, want %q", tc.url, p.Code, schemas.EINVALID)
			}
		})
	}
}

func testETag(t *testing.T, f *fixture, u string) {
	t.Parallel()
	a := get(t, u)
	want := `W/"` + f.second.ID + `"`
	if got := a.header.Get("ETag"); got != want {
		t.Fatalf("ETag %q, want %q", got, want)
	}
	for _, tc := range []struct {
		name, inm string
		want      int
	}{
		{"weak", want, http.StatusNotModified},
		{"strong", `"` + f.second.ID + `"`, http.StatusNotModified},
		{"in a list", `"old", ` + want, http.StatusNotModified},
		{"star", "*", http.StatusNotModified},
		{"older release", `W/"` + f.first.ID + `"`, http.StatusOK},
		{"other", `"something-else"`, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := get(t, u, "If-None-Match", tc.inm)
			if a.status != tc.want {
				t.Fatalf("If-None-Match %s: status %d, want %d", tc.inm, a.status, tc.want)
			}
			if tc.want == http.StatusNotModified {
				if len(a.body) != 0 {
					t.Errorf("304 with a body of %d bytes", len(a.body))
				}
				if got := a.header.Get("ETag"); got != want {
					t.Errorf("304 ETag %q, want %q", got, want)
				}
			}
		})
	}
}

func testGzip(t *testing.T, rt *route, u string) {
	t.Parallel()
	if rt.List != nil {
		// A full page is large enough to compress.
		u = withQuery(u, fmt.Sprintf("page_size=%d", duckdb.MaxPageSize))
	}
	plain := get(t, u)
	zipped := get(t, u, "Accept-Encoding", "gzip")
	if plain.header.Get("Content-Encoding") != "" {
		t.Errorf("Content-Encoding %q without Accept-Encoding", plain.header.Get("Content-Encoding"))
	}
	if !strings.Contains(zipped.header.Get("Vary"), "Accept-Encoding") {
		t.Errorf("Vary %q lacks Accept-Encoding", zipped.header.Get("Vary"))
	}
	refused := get(t, u, "Accept-Encoding", "gzip;q=0, identity")
	if refused.header.Get("Content-Encoding") != "" {
		t.Errorf("gzip;q=0: Content-Encoding %q", refused.header.Get("Content-Encoding"))
	}
	if len(plain.body) < minGzip {
		if zipped.header.Get("Content-Encoding") != "" || !bytes.Equal(zipped.body, plain.body) {
			t.Errorf("a %d-byte answer is compressed", len(plain.body))
		}
		return
	}
	if got := zipped.header.Get("Content-Encoding"); got != "gzip" {
		t.Fatalf("a %d-byte answer: Content-Encoding %q, want gzip", len(plain.body), got)
	}
	if got, want := zipped.header.Get("Content-Length"), strconv.Itoa(len(zipped.body)); got != want {
		t.Errorf("Content-Length %s, want %s", got, want)
	}
	zr, err := gzip.NewReader(bytes.NewReader(zipped.body))
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, plain.body) {
		t.Errorf("decompressed body differs from the plain one:\n got %s\nwant %s", clipBody(got), clipBody(plain.body))
	}
}

func testHead(t *testing.T, u string) {
	t.Parallel()
	plain := get(t, u)
	a := do(t, http.MethodHead, u, nil)
	if a.status != http.StatusOK || len(a.body) != 0 {
		t.Fatalf("HEAD: status %d, %d bytes; want 200 and none", a.status, len(a.body))
	}
	if got, want := a.header.Get("Content-Length"), strconv.Itoa(len(plain.body)); got != want {
		t.Errorf("HEAD Content-Length %s, want %s (the GET body's)", got, want)
	}
	if a.header.Get("ETag") == "" || a.header.Get("Content-Type") != plain.header.Get("Content-Type") {
		t.Errorf("HEAD headers %v", a.header)
	}
}

func testCORS(t *testing.T, u string) {
	t.Parallel()
	a := get(t, u, "Origin", "https://example.org")
	if got := a.header.Get("Access-Control-Allow-Origin"); got != "*" {
		t.Errorf("GET: Access-Control-Allow-Origin %q, want *", got)
	}
	if got := a.header.Get("Access-Control-Expose-Headers"); !strings.Contains(got, "ETag") || !strings.Contains(got, "Link") {
		t.Errorf("GET: Access-Control-Expose-Headers %q lacks ETag or Link", got)
	}
	pre := do(t, http.MethodOptions, u, nil, "Origin", "https://example.org", "Access-Control-Request-Method", "GET")
	if pre.status != http.StatusNoContent {
		t.Errorf("OPTIONS: status %d, want 204", pre.status)
	}
	if got := pre.header.Get("Access-Control-Allow-Origin"); got != "*" {
		t.Errorf("OPTIONS: Access-Control-Allow-Origin %q, want *", got)
	}
	if got := pre.header.Get("Access-Control-Allow-Methods"); !strings.Contains(got, "GET") || strings.Contains(got, "POST") {
		t.Errorf("OPTIONS: Access-Control-Allow-Methods %q, want GET and not POST", got)
	}
}

// items returns the items of a list's JSON answer, each as raw JSON by
// key.
func items(t testing.TB, a answer) (rows []map[string]json.RawMessage, total int) {
	t.Helper()
	var body struct {
		Items []map[string]json.RawMessage `json:"items"`
		Total int                          `json:"total"`
	}
	a.decode(t, &body)
	return body.Items, body.Total
}

func testCSV(t *testing.T, rt *route, u string) {
	t.Parallel()
	u = withQuery(u, fmt.Sprintf("page_size=%d", duckdb.MaxPageSize))
	js := get(t, u)
	a := get(t, withQuery(u, "format=csv"))
	if a.status != http.StatusOK {
		t.Fatalf("format=csv: status %d; body %s", a.status, clipBody(a.body))
	}
	if got := a.header.Get("Content-Type"); got != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type %q", got)
	}
	if got := a.header.Get("Content-Disposition"); !strings.HasPrefix(got, "inline; filename=") || !strings.HasSuffix(got, `.csv"`) {
		t.Errorf("Content-Disposition %q", got)
	}
	records, err := csv.NewReader(bytes.NewReader(a.body)).ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse: %v", err)
	}
	if len(records) == 0 {
		t.Fatal("CSV has no header")
	}
	if got, want := records[0], rt.List.ColumnNames(); !reflect.DeepEqual(got, want) {
		t.Fatalf("CSV header\n got %v\nwant %v", got, want)
	}
	rows, _ := items(t, js)
	if len(records)-1 != len(rows) {
		t.Fatalf("CSV has %d rows, JSON %d items", len(records)-1, len(rows))
	}
	for i, rec := range records[1:] {
		for j, c := range rt.List.Columns {
			if want := cellOf(t, c, rows[i][c.Name], rt.List.Markers); !sameCell(c, rec[j], want) {
				t.Errorf("row %d column %s: CSV %q, JSON gives %q", i+1, c.Name, rec[j], want)
			}
		}
	}
}

// cellOf is the CSV cell a JSON value should be: worked out here apart
// from csvCell, so a mistake there shows. A status letter of a table with
// markers is bracketed, as in every CSV file of the release.
func cellOf(t testing.TB, c schemas.Column, raw json.RawMessage, markers bool) string {
	var v any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatal(err)
		}
	}
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		if markers && c.Name == "status" && x != "" {
			return "[" + x + "]"
		}
		if c.Type == schemas.TypeString && strings.ContainsAny(x[:min(1, len(x))], "=+-@\t\r") {
			return "'" + x
		}
		return x
	case []any:
		var parts []string
		for _, p := range x {
			parts = append(parts, cellOf(t, schemas.Column{Type: schemas.TypeString}, json.RawMessage(strconv.Quote(p.(string))), false))
		}
		return strings.Join(parts, ";")
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	t.Fatalf("unexpected JSON %s", raw)
	return ""
}

// sameCell compares a CSV cell with the expected one, numbers by value.
func sameCell(c schemas.Column, got, want string) bool {
	if c.Type == schemas.TypeNumber || c.Type == schemas.TypeInteger {
		if got == "" || want == "" {
			return got == want
		}
		g, err1 := strconv.ParseFloat(got, 64)
		w, err2 := strconv.ParseFloat(want, 64)
		return err1 == nil && err2 == nil && g == w
	}
	return got == want
}

// linkHeader parses an RFC 8288 Link header into URLs by rel.
func linkHeader(t testing.TB, h string) map[string]string {
	t.Helper()
	out := map[string]string{}
	if h == "" {
		return out
	}
	for _, part := range strings.Split(h, ", ") {
		target, params, ok := strings.Cut(part, "; ")
		if !ok || !strings.HasPrefix(target, "<") || !strings.HasSuffix(target, ">") || !strings.HasPrefix(params, "rel=") {
			t.Fatalf("Link header part %q is not <url>; rel=...", part)
		}
		rel, err := strconv.Unquote(strings.TrimPrefix(params, "rel="))
		if err != nil {
			t.Fatalf("Link header part %q: rel not quoted", part)
		}
		out[rel] = strings.Trim(target, "<>")
	}
	return out
}

func testPaging(t *testing.T, rt *route, u string) {
	t.Parallel()
	base, _ := url.Parse(u)
	origin := base.Scheme + "://" + base.Host
	first := get(t, withQuery(u, "page_size=1"))
	rows, total := items(t, first)
	if total < 2 || len(rows) != 1 {
		t.Fatalf("page_size=1: %d items of %d; the example should find at least two", len(rows), total)
	}
	type pageBody struct {
		Page  int   `json:"page"`
		Links links `json:"links"`
	}
	var body pageBody
	walked := 0
	next := withQuery(u, "page_size=1")
	var seen []string
	for page := 1; next != ""; page++ {
		a := get(t, next)
		if a.status != http.StatusOK {
			t.Fatalf("GET %s: status %d", next, a.status)
		}
		rows, got := items(t, a)
		if got != total || len(rows) != 1 {
			t.Fatalf("page %d: %d items of %d, want 1 of %d", page, len(rows), got, total)
		}
		seen = append(seen, string(mustJSON(t, rows[0])))
		body = pageBody{}
		a.decode(t, &body)
		if body.Links.Self == "" || body.Links.First == "" || body.Links.Last == "" {
			t.Errorf("page %d: links %+v lack self, first or last", page, body.Links)
		}
		if (page > 1) != (body.Links.Prev != "") || (page < total) != (body.Links.Next != "") {
			t.Errorf("page %d of %d: links %+v", page, total, body.Links)
		}
		hdr := linkHeader(t, a.header.Get("Link"))
		want := map[string]string{"first": body.Links.First, "last": body.Links.Last}
		if body.Links.Prev != "" {
			want["prev"] = body.Links.Prev
		}
		if body.Links.Next != "" {
			want["next"] = body.Links.Next
		}
		if !reflect.DeepEqual(hdr, want) {
			t.Errorf("page %d: Link header %v, body links %v", page, hdr, want)
		}
		if body.Links.Next == "" {
			next = ""
		} else {
			next = origin + body.Links.Next
		}
		walked++
		if walked > total+1 {
			t.Fatalf("next links go on past %d pages", total)
		}
	}
	if walked != total {
		t.Errorf("walked %d pages, want %d", walked, total)
	}
	slices.Sort(seen)
	if len(slices.Compact(seen)) != total {
		t.Errorf("pages repeat rows: %d distinct of %d", len(slices.Compact(seen)), total)
	}
	// The last link is the last page.
	body = pageBody{}
	first.decode(t, &body)
	last := get(t, origin+body.Links.Last)
	body = pageBody{}
	last.decode(t, &body)
	if body.Page != total || body.Links.Next != "" {
		t.Errorf("last link: page %d, next %q; want page %d and no next", body.Page, body.Links.Next, total)
	}
	// A page past the end is empty, with the total, and points back.
	past := get(t, withQuery(u, fmt.Sprintf("page_size=1&page=%d", total+5)))
	rows, got := items(t, past)
	if past.status != http.StatusOK || len(rows) != 0 || got != total {
		t.Errorf("page past the end: status %d, %d items of %d; want 200, none of %d", past.status, len(rows), got, total)
	}
	body = pageBody{}
	past.decode(t, &body)
	if body.Links.Next != "" || body.Links.Prev == "" {
		t.Errorf("page past the end: links %+v; want prev and no next", body.Links)
	}
	// CSV pages carry the same Link header.
	c := get(t, withQuery(u, "page_size=1&format=csv"))
	if l := linkHeader(t, c.header.Get("Link")); l["next"] == "" || !strings.Contains(l["next"], "format=csv") {
		t.Errorf("CSV Link header %v: want a next link keeping format=csv", l)
	}
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSpreadsheetSafeCSV checks that a provider name a spreadsheet would
// run as a formula is neutralised in CSV answers and given as is in JSON.
func TestSpreadsheetSafeCSV(t *testing.T) {
	t.Parallel()
	_, _, hs := shared(t)
	for _, path := range []string{"/providers?format=csv", "/comparisons?provider=" + formula + "&format=csv"} {
		a := get(t, hs.URL+Prefix+path)
		records, err := csv.NewReader(bytes.NewReader(a.body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, rec := range records {
			for _, cell := range rec {
				if strings.HasPrefix(cell, "=") {
					t.Errorf("%s: cell %q starts with =", path, cell)
				}
				found = found || cell == "'"+formulaName
			}
		}
		if !found {
			t.Errorf("%s: no cell %q", path, "'"+formulaName)
		}
	}
	a := get(t, hs.URL+Prefix+"/providers/"+formula)
	var v schemas.ProviderView
	a.decode(t, &v)
	if v.Provider.ProviderName != formulaName {
		t.Errorf("JSON provider_name %q, want %q", v.Provider.ProviderName, formulaName)
	}
}

// TestReleaseRoutes checks what /releases and /releases/{id} say of the
// fixture's two releases.
func TestReleaseRoutes(t *testing.T) {
	t.Parallel()
	f, _, hs := shared(t)
	var list struct{ Items []ReleaseSummary }
	get(t, hs.URL+Prefix+"/releases").decode(t, &list)
	if len(list.Items) != 2 {
		t.Fatalf("/releases lists %d releases, want 2", len(list.Items))
	}
	got := list.Items
	if got[0].ID != f.second.ID || !got[0].Current || got[0].Previous != f.first.ID || got[0].Revised != 1 ||
		got[1].ID != f.first.ID || got[1].Current || got[1].Previous != "" {
		t.Errorf("/releases items %+v", got)
	}
	for _, tc := range []struct{ id, want string }{{"current", f.second.ID}, {f.second.ID, f.second.ID}, {f.first.ID, f.first.ID}} {
		var rel schemas.Release
		get(t, hs.URL+Prefix+"/releases/"+tc.id).decode(t, &rel)
		if rel.ID != tc.want {
			t.Errorf("/releases/%s: id %q, want %q", tc.id, rel.ID, tc.want)
		}
	}
	var cur schemas.Release
	get(t, hs.URL+Prefix+"/releases/current").decode(t, &cur)
	if len(cur.Revisions) != 1 || cur.Revisions[0].ProviderID != alpha || *cur.Revisions[0].New.Numerator != alphaSecond {
		t.Errorf("current release revisions %+v: want Alpha's Q1 figure revised to %d", cur.Revisions, alphaSecond)
	}
}
