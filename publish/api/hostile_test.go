package api

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// hostileValues are parameter values a client might send to break out of
// a query or the server.
var hostileValues = []string{
	"' OR 1=1 --",
	"x'); DROP TABLE comparisons; --",
	`"; SELECT * FROM read_csv('/etc/passwd'); --`,
	"%", "_", `\`, "*", "'", `"`,
	"Ünïcödé ☃ 🚀 中文",
	"\x00", "a\x00b",
	"\x01\x1f\x7f",
	"\xff\xfe", // not UTF-8
	"\r\nX-Injected: 1",
	"<script>alert(1)</script>",
	"../../etc/passwd",
	strings.Repeat("é", MaxParam/2), // MaxParam bytes exactly
}

// TestHostileQueries sends every hostile value to every parameter of
// every release route: the answer is an answer (200, 400 or 404), never a
// 5xx, and the release is unchanged afterwards.
func TestHostileQueries(t *testing.T) {
	t.Parallel()
	_, s, hs := shared(t)
	before := countComparisons(t, hs.URL)
	for i := range s.routes {
		rt := &s.routes[i]
		if rt.raw != nil {
			continue
		}
		t.Run(rt.Name, func(t *testing.T) {
			t.Parallel()
			for _, p := range rt.params() {
				for _, v := range hostileValues {
					var u string
					if p.In == "path" {
						u = hs.URL + Prefix + pathWith(rt, url.PathEscape(v))
					} else {
						u = withQuery(hs.URL+Prefix+pathWith(rt, "x"), url.Values{p.Name: {v}}.Encode())
					}
					a := get(t, u)
					switch a.status {
					case http.StatusOK, http.StatusNotFound, http.StatusMovedPermanently:
					case http.StatusBadRequest:
						checkProblem(t, a, http.StatusBadRequest)
					default:
						t.Errorf("%s=%q: status %d; body %s", p.Name, v, a.status, clipBody(a.body))
					}
					if a.header.Get("X-Injected") != "" {
						t.Errorf("%s=%q: a header was injected", p.Name, v)
					}
				}
			}
		})
	}
	t.Cleanup(func() {
		if after := countComparisons(t, hs.URL); after != before {
			t.Errorf("comparisons: %d rows before, %d after", before, after)
		}
	})
}

func countComparisons(t testing.TB, base string) int {
	t.Helper()
	_, total := items(t, get(t, base+Prefix+"/comparisons?page_size=1"))
	return total
}

// TestHostilePaging checks the edges of paging and the query's size.
func TestHostilePaging(t *testing.T) {
	t.Parallel()
	_, _, hs := shared(t)
	total := countComparisons(t, hs.URL)
	tests := []struct {
		name, query string
		status      int
	}{
		{"huge page", "page=999999999", 200},
		{"largest page", "page=1000000000&page_size=1000", 200},
		{"page over the largest", "page=1000000001", 400},
		{"page past int64", "page=99999999999999999999999", 400},
		{"negative page", "page=-1", 400},
		{"page zero", "page=0", 400},
		{"page_size zero", "page_size=0", 400},
		{"negative page_size", "page_size=-5", 400},
		{"page_size with a plus", "page_size=%2B5", 400},
		{"page with spaces", "page=%201", 400},
		{"hex page", "page=0x10", 400},
		{"bad escape", "metric=%zz", 400},
		{"semicolon", "metric=a;b", 400},
		{"long query", "metric=" + strings.Repeat("a", 10_000), 400},
		{"many parameters", strings.Repeat("metric=a&", 300), 400},
		{"parameter without value", "metric", 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := get(t, hs.URL+Prefix+"/comparisons?"+tc.query)
			if a.status != tc.status {
				t.Fatalf("status %d, want %d; body %s", a.status, tc.status, clipBody(a.body))
			}
			if tc.status != 200 {
				checkProblem(t, a, tc.status)
				return
			}
			rows, got := items(t, a)
			if strings.HasPrefix(tc.name, "huge") || strings.HasPrefix(tc.name, "largest") {
				if len(rows) != 0 || got != total {
					t.Errorf("%d items of %d, want none of %d", len(rows), got, total)
				}
			}
		})
	}
	t.Run("long query says so", func(t *testing.T) {
		p := checkProblem(t, get(t, hs.URL+Prefix+"/comparisons?metric="+strings.Repeat("a", 10_000)), 400)
		if !strings.Contains(p.Detail, "query string") {
			t.Errorf("detail %q does not say the query is too long", p.Detail)
		}
		if len(p.Instance) > 4*MaxQuery {
			t.Errorf("the problem quotes %d bytes of the query back", len(p.Instance))
		}
	})
}
