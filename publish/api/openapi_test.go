package api

import (
	"fmt"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/schemas"
)

// rowSchemas are the component schemas of rows: each property of each must
// appear in at least one answer, so none documents a field that is never
// sent.
var rowSchemas = []string{"Metric", "Period", "Council", "Provider", "Comparison", "ReleaseSummary", "Benchmark",
	"FunnelLimit", "ProviderProfile", "SimilarCouncil", "CouncilProvider"}

// openAPIDoc fetches the document from a server.
func openAPIDoc(t *testing.T, base string) (map[string]any, []byte) {
	t.Helper()
	a := get(t, base+Prefix+"/openapi.json")
	if a.status != http.StatusOK || a.header.Get("Content-Type") != "application/json" {
		t.Fatalf("openapi.json: status %d, Content-Type %q", a.status, a.header.Get("Content-Type"))
	}
	var doc map[string]any
	a.decode(t, &doc)
	if doc["openapi"] != "3.1.0" {
		t.Fatalf("openapi %v, want 3.1.0", doc["openapi"])
	}
	return doc, a.body
}

// TestOpenAPI checks that the document lists exactly the routes of the
// registry, that every documented operation answers, and that every
// answer's keys are documented and every row property is answered.
func TestOpenAPI(t *testing.T) {
	t.Parallel()
	f := sharedFixture(t)
	ts := newTokens(t)
	s, hs := startServer(t, f.layout, Config{Submissions: &recorder{}, Tokens: storeTokens{ts.store}})
	doc, _ := openAPIDoc(t, hs.URL)
	paths, _ := doc["paths"].(map[string]any)

	byOp := map[string]*route{}
	var want, got []string
	for i := range s.routes {
		rt := &s.routes[i]
		want = append(want, rt.Method+" "+rt.Path)
		byOp[rt.Name] = rt
	}
	for p, item := range paths {
		for method, op := range item.(map[string]any) {
			got = append(got, strings.ToUpper(method)+" "+p)
			id, _ := op.(map[string]any)["operationId"].(string)
			if rt := byOp[id]; rt == nil || rt.Path != p || !strings.EqualFold(rt.Method, method) {
				t.Errorf("%s %s: operationId %q names no route of that path and method", method, p, id)
			}
		}
	}
	sort.Strings(want)
	sort.Strings(got)
	if !slices.Equal(got, want) {
		t.Fatalf("documented operations\n got %v\nwant %v (the registry)", got, want)
	}

	t.Run("every operation answers", func(t *testing.T) {
		for p, item := range paths {
			for method, op := range item.(map[string]any) {
				rt := byOp[op.(map[string]any)["operationId"].(string)]
				u := hs.URL + Prefix + pathWith(rt, "20260101T000000Z-0001")
				if rt.Example != "" {
					u = exampleURL(hs.URL, rt)
				}
				a := do(t, strings.ToUpper(method), u, strings.NewReader("x"))
				if a.status == http.StatusNotFound || a.status == http.StatusMethodNotAllowed {
					t.Errorf("%s %s (%s): status %d", method, p, u, a.status)
				}
				responses := op.(map[string]any)["responses"].(map[string]any)
				if _, ok := responses[fmt.Sprint(a.status)]; !ok {
					t.Errorf("%s %s answered %d, which it does not document", method, p, a.status)
				}
			}
		}
	})

	t.Run("answers match the schemas", func(t *testing.T) {
		w := &schemaWalker{t: t, doc: doc, seen: map[string]bool{}}
		var urls []string
		for i := range s.routes {
			rt := &s.routes[i]
			if rt.Example == "" {
				continue
			}
			urls = append(urls, exampleURL(hs.URL, rt))
			if rt.List != nil {
				urls = append(urls, withQuery(exampleURL(hs.URL, rt), "page_size=1000"))
				if !rt.pathParam() {
					// Every filter left out.
					urls = append(urls, hs.URL+Prefix+rt.Path+"?page_size=1000")
				}
			}
		}
		urls = append(urls,
			hs.URL+Prefix+"/releases/"+f.first.ID, hs.URL+Prefix+"/releases/"+f.second.ID,
			hs.URL+Prefix+"/providers/"+formula, hs.URL+Prefix+"/providers/"+gamma,
			hs.URL+Prefix+"/councils/"+bury, hs.URL+Prefix+"/metrics/"+missed+"?period="+q2)
		for _, u := range urls {
			a := get(t, u)
			if a.status != http.StatusOK {
				t.Errorf("GET %s: status %d", u, a.status)
				continue
			}
			path := strings.TrimPrefix(strings.SplitN(u, "?", 2)[0], hs.URL+Prefix)
			schema := w.responseSchema(path, "get", "200", "application/json")
			var body any
			a.decode(t, &body)
			w.check(u, schema, body)
		}
		// Problems and receipts too.
		problem := map[string]any{"$ref": "#/components/schemas/Problem"}
		for _, u := range []string{hs.URL + Prefix + "/metrics/nope", hs.URL + Prefix + "/metrics?x=1"} {
			var body any
			get(t, u).decode(t, &body)
			w.check(u, problem, body)
		}
		a := do(t, http.MethodPost, hs.URL+Prefix+"/returns", strings.NewReader("accept"), "Authorization", "Bearer "+ts.trafford)
		var receipt any
		a.decode(t, &receipt)
		w.check("POST /returns", w.responseSchema("/returns", "post", "202", "application/json"), receipt)

		components := doc["components"].(map[string]any)["schemas"].(map[string]any)
		for _, name := range rowSchemas {
			props, _ := components[name].(map[string]any)["properties"].(map[string]any)
			if len(props) == 0 {
				t.Errorf("component %s has no properties", name)
			}
			for prop := range props {
				if !w.seen[name+"."+prop] {
					t.Errorf("%s.%s is documented but no answer has it", name, prop)
				}
			}
		}
	})

	t.Run("list schemas are the registry's tables", func(t *testing.T) {
		components := doc["components"].(map[string]any)["schemas"].(map[string]any)
		for _, rt := range s.routes {
			if rt.List == nil {
				continue
			}
			props := components[schemaNames[rt.List.Name]].(map[string]any)["properties"].(map[string]any)
			var names []string
			for k := range props {
				names = append(names, k)
			}
			sort.Strings(names)
			cols := rt.List.ColumnNames()
			sort.Strings(cols)
			if !slices.Equal(names, cols) {
				t.Errorf("%s: schema properties %v, table columns %v", rt.Name, names, cols)
			}
		}
	})
}

// schemaWalker checks JSON values against the document's schemas.
type schemaWalker struct {
	t    *testing.T
	doc  map[string]any
	seen map[string]bool // component.property seen in an answer
}

// responseSchema returns the schema of an operation's answer.
func (w *schemaWalker) responseSchema(path, method, status, mediaType string) map[string]any {
	w.t.Helper()
	item, ok := w.doc["paths"].(map[string]any)[path].(map[string]any)
	if !ok {
		// A path with a parameter: find the template it fills.
		for p, it := range w.doc["paths"].(map[string]any) {
			if matchTemplate(p, path) {
				item = it.(map[string]any)
			}
		}
	}
	op, _ := item[method].(map[string]any)
	resp, _ := op["responses"].(map[string]any)[status].(map[string]any)
	content, _ := resp["content"].(map[string]any)[mediaType].(map[string]any)
	schema, _ := content["schema"].(map[string]any)
	if schema == nil {
		w.t.Fatalf("%s %s: no %s schema for %s", method, path, mediaType, status)
	}
	return schema
}

// matchTemplate reports whether path fills the template /a/{x}.
func matchTemplate(template, path string) bool {
	ts, ps := strings.Split(template, "/"), strings.Split(path, "/")
	if len(ts) != len(ps) || !strings.Contains(template, "{") {
		return false
	}
	for i := range ts {
		if ts[i] != ps[i] && !strings.HasPrefix(ts[i], "{") {
			return false
		}
	}
	return true
}

// resolve follows $ref, returning the schema and the component's name.
func (w *schemaWalker) resolve(schema map[string]any) (map[string]any, string) {
	ref, ok := schema["$ref"].(string)
	if !ok {
		return schema, ""
	}
	name := strings.TrimPrefix(ref, "#/components/schemas/")
	s, ok := w.doc["components"].(map[string]any)["schemas"].(map[string]any)[name].(map[string]any)
	if !ok {
		w.t.Fatalf("$ref %s names no component", ref)
	}
	return s, name
}

// check checks value against schema at where.
func (w *schemaWalker) check(where string, schema map[string]any, value any) {
	w.t.Helper()
	schema, component := w.resolve(schema)
	if !typeAllowed(schema["type"], value) {
		w.t.Errorf("%s: %s value %v is not of the documented type %v", where, jsonKind(value), clipValue(value), schema["type"])
		return
	}
	switch v := value.(type) {
	case map[string]any:
		props, ok := schema["properties"].(map[string]any)
		if !ok {
			return // a free-form object, such as ingest's report
		}
		for k, x := range v {
			ps, ok := props[k].(map[string]any)
			if !ok {
				w.t.Errorf("%s: key %q is not documented", where, k)
				continue
			}
			if component != "" {
				w.seen[component+"."+k] = true
			}
			w.check(where+"."+k, ps, x)
		}
	case []any:
		items, _ := schema["items"].(map[string]any)
		if items == nil {
			w.t.Errorf("%s: array without documented items", where)
			return
		}
		for i, x := range v {
			w.check(fmt.Sprintf("%s[%d]", where, i), items, x)
		}
	}
	if enum, ok := schema["enum"].([]any); ok && !slices.Contains(enum, value) {
		w.t.Errorf("%s: %v is not one of %v", where, value, enum)
	}
}

func jsonKind(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		if x == math.Trunc(x) {
			return "integer"
		}
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	}
	return "object"
}

// typeAllowed reports whether v is of a type the schema's type allows;
// a schema without a type allows any.
func typeAllowed(typ any, v any) bool {
	var types []string
	switch x := typ.(type) {
	case nil:
		return true
	case string:
		types = []string{x}
	case []any:
		for _, s := range x {
			types = append(types, s.(string))
		}
	}
	kind := jsonKind(v)
	return slices.Contains(types, kind) || kind == "integer" && slices.Contains(types, "number")
}

func clipValue(v any) string {
	s := fmt.Sprint(v)
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// TestOpenAPILint runs Redocly's linter on the document when $REDOCLY
// names its executable; YARDSTICK_REQUIRE_REDOCLY=1 makes its absence a
// failure, as in CI.
func TestOpenAPILint(t *testing.T) {
	t.Parallel()
	redocly := os.Getenv("REDOCLY")
	if redocly == "" {
		if os.Getenv("YARDSTICK_REQUIRE_REDOCLY") == "1" {
			t.Fatal("REDOCLY is not set: point it at the redocly executable (npm install @redocly/cli)")
		}
		t.Skip("REDOCLY is not set; set it to the redocly executable to lint the OpenAPI document")
	}
	// The document depends on the routes only, not on a release.
	_, hs := startServer(t, schemas.Layout{Root: t.TempDir()}, Config{})
	_, body := openAPIDoc(t, hs.URL)
	dir := t.TempDir()
	file := filepath.Join(dir, "openapi.json")
	if err := os.WriteFile(file, body, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	cmd := exec.CommandContext(ctx, redocly, "lint", "--format=stylish", file)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "REDOCLY_TELEMETRY=off", "REDOCLY_SUPPRESS_UPDATE_NOTICE=true", "NO_COLOR=1")
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("redocly lint: %v\n%s", err, out)
	}
	if regexp.MustCompile(`\d+ warnings?`).Match(out) {
		t.Logf("redocly lint warns:\n%s", out)
	}
}
