package api

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gorilla/mux"

	"github.com/yardstick-open/yardstick/publish/duckdb"
	"github.com/yardstick-open/yardstick/schemas"
)

// Prefix is where the API lives.
const Prefix = "/api/v1"

// param is a parameter a route takes. Every query parameter a request
// gives must be one of its route's, given once, no longer than MaxParam.
type param struct {
	Name        string
	In          string // "query" or "path"
	Type        string // "string", "integer" or "boolean"
	Description string
	// Enum lists the values the parameter may take; nil for any.
	Enum []string
}

// route is one API endpoint: how it is reached, what it answers, and how.
// The OpenAPI document is generated from the same values, so an endpoint
// cannot answer without being documented.
type route struct {
	Name        string // the operationId
	Method      string
	Path        string // under Prefix, in OpenAPI and mux syntax: /metrics/{id}
	Tag         string
	Summary     string
	Description string
	Params      []param
	// List is the table whose rows the route answers a page of; such a
	// route takes page, page_size and format. Nil for a single resource.
	List *schemas.Table
	// Body names the component schema of a single resource's answer.
	Body string
	// Example is a path with query, under Prefix, that answers 200 from
	// the test fixture: the tests call it to show the route works as
	// documented.
	Example string
	handle  func(ctx context.Context, rel *release, q *request) (any, error)
	// raw routes (submissions, the OpenAPI document) handle the whole
	// request themselves, outside the release cache.
	raw http.HandlerFunc
}

// listPage is what a list route's handler answers: one page of rows.
type listPage struct {
	items          any // a slice of the rows of the route's table
	total          int
	page, pageSize int
}

// request is a request whose parameters have been checked against its
// route.
type request struct {
	*http.Request
	vars           map[string]string
	params         map[string]string
	page, pageSize int
	format         string
}

func (q *request) str(name string) string { return q.params[name] }

func (q *request) flag(name string) bool { return q.params[name] == "true" }

// listParams are the parameters every list takes.
var listParams = []param{
	{Name: "page", In: "query", Type: "integer", Description: "Page number, from 1."},
	{Name: "page_size", In: "query", Type: "integer", Description: fmt.Sprintf("Rows a page holds, 1 to %d; %d when not given.", duckdb.MaxPageSize, duckdb.DefaultPageSize)},
	{Name: "format", In: "query", Type: "string", Enum: []string{"json", "csv"}, Description: "json (the default) or csv: the same rows, with the table's columns; text a spreadsheet would run as a formula starts with an apostrophe, and a status marker is bracketed ([c]), as in the release's CSV files."},
}

// pathParam reports whether rt's path names a resource ({id}, {code}).
func (rt *route) pathParam() bool {
	return slices.ContainsFunc(rt.Params, func(p param) bool { return p.In == "path" })
}

// params returns every parameter of rt, the list parameters included.
func (rt *route) params() []param {
	if rt.List == nil {
		return rt.Params
	}
	return append(slices.Clip(rt.Params), listParams...)
}

// add registers rt with the router and the route table.
func (s *Server) add(rt route) {
	s.routes = append(s.routes, rt)
	h := rt.raw
	if h == nil {
		h = s.serveAPI(&s.routes[len(s.routes)-1])
	}
	methods := []string{rt.Method}
	if rt.Method == http.MethodGet {
		methods = append(methods, http.MethodHead)
	}
	s.router.Handle(Prefix+rt.Path, h).Methods(methods...)
}

// registerMethodNotAllowed answers every API path asked with a method
// none of its routes takes: 405 with the methods it does take, rather
// than the 404 of a path the API does not have.
func (s *Server) registerMethodNotAllowed() {
	allow := map[string][]string{}
	var paths []string
	for _, rt := range s.routes {
		if allow[rt.Path] == nil {
			paths = append(paths, rt.Path)
		}
		allow[rt.Path] = append(allow[rt.Path], rt.Method)
		if rt.Method == http.MethodGet {
			allow[rt.Path] = append(allow[rt.Path], http.MethodHead)
		}
	}
	for _, p := range paths {
		s.router.Handle(Prefix+p, methodNotAllowed(allow[p]...))
	}
}

// parse checks r's parameters against rt.
func (rt *route) parse(r *http.Request) (*request, error) {
	q := &request{Request: r, vars: mux.Vars(r), params: map[string]string{}, format: "json"}
	values, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, schemas.Errorf(schemas.EINVALID, "the query string is not valid: %v", err)
	}
	all := rt.params()
	for name, vs := range values {
		i := slices.IndexFunc(all, func(p param) bool { return p.Name == name && p.In == "query" })
		if i < 0 {
			return nil, schemas.Errorf(schemas.EINVALID, "unknown parameter %q; %s takes %s", clip(name), Prefix+rt.Path, names(all))
		}
		if len(vs) > 1 {
			return nil, schemas.Errorf(schemas.EINVALID, "parameter %s is given %d times; give it once", name, len(vs))
		}
		v := vs[0]
		if err := all[i].check(v); err != nil {
			return nil, err
		}
		q.params[name] = v
	}
	for name, v := range q.vars {
		p := param{Name: name, In: "path", Type: "string"}
		if i := slices.IndexFunc(rt.Params, func(p param) bool { return p.Name == name && p.In == "path" }); i >= 0 {
			p = rt.Params[i]
		}
		if err := p.check(v); err != nil {
			return nil, err
		}
	}
	if rt.List == nil {
		return q, nil
	}
	if v := q.params["format"]; v != "" {
		q.format = v
	}
	if v := q.params["page"]; v != "" {
		q.page, _ = strconv.Atoi(v)
	}
	q.pageSize = duckdb.DefaultPageSize
	if v := q.params["page_size"]; v != "" {
		q.pageSize, _ = strconv.Atoi(v)
		if q.pageSize > duckdb.MaxPageSize {
			return nil, schemas.Errorf(schemas.EINVALID, "page_size %d is larger than %d, the most a page holds; ask for more pages", q.pageSize, duckdb.MaxPageSize)
		}
	}
	if q.page == 0 {
		q.page = 1
	}
	return q, nil
}

// maxInteger bounds integer parameters, so that page arithmetic cannot
// overflow.
const maxInteger = 1_000_000_000

// check checks one value of p. Every value is text of a few words at
// most: valid UTF-8 without control characters, which no id, code or
// name holds, and which the database and the file system would refuse.
func (p param) check(v string) error {
	if n := utf8.RuneCountInString(v); n > MaxParam {
		return schemas.Errorf(schemas.EINVALID, "parameter %s is %d characters long; the most allowed is %d", p.Name, n, MaxParam)
	}
	if !utf8.ValidString(v) {
		return schemas.Errorf(schemas.EINVALID, "parameter %s is not UTF-8 text", p.Name)
	}
	if strings.ContainsFunc(v, unicode.IsControl) {
		return schemas.Errorf(schemas.EINVALID, "parameter %s holds a control character", p.Name)
	}
	switch p.Type {
	case "integer":
		// Only the plain spelling: +5 and 05 would be cached and linked
		// apart from 5.
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxInteger || strconv.Itoa(n) != v {
			return schemas.Errorf(schemas.EINVALID, "parameter %s must be a whole number from 1 to %d, not %q", p.Name, maxInteger, clip(v))
		}
	case "boolean":
		if v != "true" && v != "false" {
			return schemas.Errorf(schemas.EINVALID, "parameter %s must be true or false, not %q", p.Name, clip(v))
		}
	}
	if p.Enum != nil && !slices.Contains(p.Enum, v) {
		return schemas.Errorf(schemas.EINVALID, "parameter %s may not be %q; it takes %s", p.Name, clip(v), strings.Join(p.Enum, ", "))
	}
	return nil
}

// clip shortens a value quoted back in an error message.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

func names(ps []param) string {
	var out []string
	for _, p := range ps {
		if p.In == "query" {
			out = append(out, p.Name)
		}
	}
	if len(out) == 0 {
		return "no parameters"
	}
	return strings.Join(out, ", ")
}

// canonical returns the checked parameters as a query string in name
// order: the cache key and the base of the paging links.
func (q *request) canonical(without ...string) url.Values {
	v := url.Values{}
	for k, x := range q.params {
		if !slices.Contains(without, k) {
			v.Set(k, x)
		}
	}
	return v
}

// serveAPI answers rt: parameters checked, the release held, the ETag
// compared, the answer taken from the cache or rendered and kept.
func (s *Server) serveAPI(rt *route) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q, err := rt.parse(r)
		if err != nil {
			writeProblem(w, r, problemOf(r.Context(), s.log, r, err))
			return
		}
		rel, err := s.releases.current()
		if err != nil {
			writeProblem(w, r, problemOf(r.Context(), s.log, r, err))
			return
		}
		defer rel.done()
		// The answer is found (from the cache or rendered) before
		// If-None-Match is compared: a 304 says the client's copy is
		// current, which a missing resource has not got.
		key := rel.rec.ID + " " + r.URL.Path + "?" + q.canonical().Encode()
		resp, ok := s.cache.get(key)
		if !ok {
			ctx, cancel := context.WithTimeout(r.Context(), s.cfg.RequestTimeout)
			resp, err = s.render(ctx, rt, rel, q)
			cancel()
			if err != nil {
				writeProblem(w, r, problemOf(r.Context(), s.log, r, err))
				return
			}
			s.cache.put(key, resp)
		}
		h := w.Header()
		h.Set("ETag", "W/"+rel.etag)
		// The current release changes when a new one is published, so
		// clients may reuse an answer for a minute and then revalidate.
		h.Set("Cache-Control", "public, max-age=60")
		h.Set("X-Release", rel.rec.ID)
		if matches(r.Header.Get("If-None-Match"), rel.etag) {
			h.Add("Vary", "Accept-Encoding")
			w.WriteHeader(http.StatusNotModified)
			return
		}
		resp.write(w, r)
	}
}

// matches reports whether an If-None-Match header names etag, weakly
// compared as RFC 9110 asks for this header.
func matches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

// render runs rt's handler and encodes its answer.
func (s *Server) render(ctx context.Context, rt *route, rel *release, q *request) (*response, error) {
	v, err := rt.handle(ctx, rel, q)
	if err != nil {
		return nil, err
	}
	lp, ok := v.(listPage)
	if !ok {
		return jsonResponse(http.StatusOK, v)
	}
	links := pageLinks(q, lp)
	if q.format == "csv" {
		b, err := csvOf(*rt.List, lp.items)
		if err != nil {
			return nil, err
		}
		resp := newResponse(http.StatusOK, "text/csv; charset=utf-8", b)
		resp.link = links.header()
		name := strings.ReplaceAll(strings.Trim(strings.TrimPrefix(q.URL.Path, Prefix), "/"), "/", "-")
		resp.disposition = fmt.Sprintf(`inline; filename="%s-%s.csv"`, name, rel.rec.ID)
		return resp, nil
	}
	resp, err := jsonResponse(http.StatusOK, listBody{Items: lp.items, Total: lp.total, Page: lp.page, PageSize: lp.pageSize, Links: links})
	if err != nil {
		return nil, err
	}
	resp.link = links.header()
	return resp, nil
}

// listBody is the JSON answer of a list.
type listBody struct {
	Items    any   `json:"items"`
	Total    int   `json:"total"`
	Page     int   `json:"page"`
	PageSize int   `json:"page_size"`
	Links    links `json:"links"`
}

// links are a page's neighbours, as URLs relative to the server.
type links struct {
	Self  string `json:"self"`
	First string `json:"first"`
	Prev  string `json:"prev,omitempty"`
	Next  string `json:"next,omitempty"`
	Last  string `json:"last"`
}

func pageLinks(q *request, lp listPage) links {
	last := max(1, (lp.total+lp.pageSize-1)/lp.pageSize)
	base := q.canonical("page")
	at := func(page int) string {
		v := url.Values{}
		for k, x := range base {
			v[k] = x
		}
		if page > 1 {
			v.Set("page", strconv.Itoa(page))
		}
		if len(v) == 0 {
			return q.URL.Path
		}
		return q.URL.Path + "?" + v.Encode()
	}
	l := links{Self: at(lp.page), First: at(1), Last: at(last)}
	if lp.page > 1 {
		l.Prev = at(min(lp.page-1, last))
	}
	if lp.page < last {
		l.Next = at(lp.page + 1)
	}
	return l
}

// header renders the links as an RFC 8288 Link header.
func (l links) header() string {
	var parts []string
	for _, x := range []struct{ rel, url string }{{"first", l.First}, {"prev", l.Prev}, {"next", l.Next}, {"last", l.Last}} {
		if x.url != "" {
			parts = append(parts, fmt.Sprintf("<%s>; rel=%q", x.url, x.rel))
		}
	}
	return strings.Join(parts, ", ")
}

// pageOf returns the page q asks for of items held in memory.
func pageOf[T any](items []T, q *request) listPage {
	from := len(items)
	if q.page-1 <= len(items)/q.pageSize {
		from = min(len(items), (q.page-1)*q.pageSize)
	}
	to := min(len(items), from+q.pageSize)
	if items == nil {
		items = []T{}
	}
	return listPage{items: items[from:to], total: len(items), page: q.page, pageSize: q.pageSize}
}

// fromPage turns a page the reader found into a listPage.
func fromPage[T any](p schemas.Page[T], err error) (any, error) {
	if err != nil {
		return nil, err
	}
	if p.Items == nil {
		p.Items = []T{}
	}
	return listPage{items: p.Items, total: p.Total, page: p.Page, pageSize: p.PageSize}, nil
}
