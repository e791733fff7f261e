package api

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/schemas"
)

// TestProblemShape gives every error status the server answers, and
// checks each is the one problem+json shape with the security headers.
func TestProblemShape(t *testing.T) {
	t.Parallel()
	f, _, hs := shared(t)
	ts := newTokens(t)
	_, returns := startServer(t, schemas.Layout{Root: t.TempDir()},
		Config{Submissions: &recorder{}, Tokens: storeTokens{ts.store}, MaxBody: 16})
	// A data folder with nothing published: the API is unavailable.
	_, empty := startServer(t, schemas.Layout{Root: t.TempDir()}, Config{})
	clock := newClock()
	_, limited := startServer(t, f.layout, Config{Rate: 1, Burst: 1, Now: clock.now})
	get(t, limited.URL+Prefix+"/periods") // takes the one token

	tests := []struct {
		name, method, url string
		body              string
		status            int
		code              string
	}{
		{"unknown parameter", "GET", hs.URL + Prefix + "/metrics?nope=1", "", 400, schemas.EINVALID},
		{"query too long", "GET", hs.URL + Prefix + "/metrics?q=" + strings.Repeat("x", MaxQuery), "", 400, schemas.EINVALID},
		{"openapi with a parameter", "GET", hs.URL + Prefix + "/openapi.json?x=1", "", 400, schemas.EINVALID},
		{"no token", "POST", returns.URL + Prefix + "/returns", "x", 401, schemas.EUNAUTHORIZED},
		{"no token for a receipt", "GET", returns.URL + Prefix + "/returns/20260101T000000Z-0001", "", 401, schemas.EUNAUTHORIZED},
		{"unknown endpoint", "GET", hs.URL + Prefix + "/nope", "", 404, schemas.ENOTFOUND},
		{"the API's root", "GET", hs.URL + Prefix, "", 404, schemas.ENOTFOUND},
		{"unknown metric", "GET", hs.URL + Prefix + "/metrics/nope", "", 404, schemas.ENOTFOUND},
		{"unknown council", "GET", hs.URL + Prefix + "/councils/E99999999", "", 404, schemas.ENOTFOUND},
		{"unknown provider", "GET", hs.URL + Prefix + "/providers/nope", "", 404, schemas.ENOTFOUND},
		{"unknown release", "GET", hs.URL + Prefix + "/releases/nope", "", 404, schemas.ENOTFOUND},
		{"POST to a list", "POST", hs.URL + Prefix + "/metrics", "", 405, schemas.EINVALID},
		{"DELETE a metric", "DELETE", hs.URL + Prefix + "/metrics/" + onTime, "", 405, schemas.EINVALID},
		{"PUT a file", "PUT", hs.URL + "/data/observations.csv.gz", "x", 405, schemas.EINVALID},
		{"GET the returns", "GET", hs.URL + Prefix + "/returns", "", 405, schemas.EINVALID},
		{"body too large", "POST", returns.URL + Prefix + "/returns", strings.Repeat("x", 17), 413, schemas.ETOOLARGE},
		{"too many requests", "GET", limited.URL + Prefix + "/periods", "", 429, schemas.ETOOMANY},
		{"nothing published", "GET", empty.URL + Prefix + "/metrics", "", 503, schemas.EUNAVAILABLE},
		{"nothing published, a file", "GET", empty.URL + "/data/observations.csv.gz", "", 503, schemas.EUNAVAILABLE},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var body io.Reader
			if tc.body != "" {
				body = strings.NewReader(tc.body)
			}
			a := do(t, tc.method, tc.url, body)
			p := checkProblem(t, a, tc.status)
			if p.Code != tc.code {
				t.Errorf("code %q, want %q", p.Code, tc.code)
			}
			if p.RequestID == "" || p.RequestID != a.header.Get("X-Request-Id") {
				t.Errorf("request_id %q, X-Request-Id %q", p.RequestID, a.header.Get("X-Request-Id"))
			}
			if a.header.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control %q, want no-store", a.header.Get("Cache-Control"))
			}
			checkSecurityHeaders(t, a)
			if tc.status == 429 || tc.status == 503 {
				if a.header.Get("Retry-After") == "" {
					t.Errorf("%d without Retry-After", tc.status)
				}
			}
			if tc.status == 405 && a.header.Get("Allow") == "" {
				t.Errorf("405 without Allow")
			}
		})
	}
}

// checkSecurityHeaders checks the headers every answer carries.
func checkSecurityHeaders(t testing.TB, a answer) {
	t.Helper()
	for k, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "strict-origin-when-cross-origin",
		"X-Frame-Options":        "DENY",
	} {
		if got := a.header.Get(k); got != want {
			t.Errorf("%s %q, want %q", k, got, want)
		}
	}
	if csp := a.header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("Content-Security-Policy %q", csp)
	}
	if id := a.header.Get("X-Request-Id"); len(id) != 16 {
		t.Errorf("X-Request-Id %q, want 16 hex digits", id)
	}
}

// TestSecurityHeaders checks the headers on API, static and error
// answers, and that each request gets its own id.
func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	_, _, hs := shared(t)
	ids := map[string]bool{}
	for _, path := range []string{Prefix + "/metrics", Prefix + "/openapi.json", "/", "/data/observations.csv.gz",
		"/release.json", "/no-such-page", Prefix + "/metrics/nope", Prefix + "/metrics?format=csv"} {
		t.Run(path, func(t *testing.T) {
			a := get(t, hs.URL+path)
			checkSecurityHeaders(t, a)
			id := a.header.Get("X-Request-Id")
			if ids[id] {
				t.Errorf("request id %q given twice", id)
			}
			ids[id] = true
		})
	}
}

// clock is a settable clock for the rate limit.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// TestRateLimit checks the token bucket: a burst, then 429 with
// Retry-After until the clock lets another request through.
func TestRateLimit(t *testing.T) {
	t.Parallel()
	f := sharedFixture(t)
	c := newClock()
	_, hs := startServer(t, f.layout, Config{Rate: 1, Burst: 2, Now: c.now})
	u := hs.URL + Prefix + "/periods"
	for i, want := range []int{200, 200, 429} {
		a := get(t, u)
		if a.status != want {
			t.Fatalf("request %d: status %d, want %d", i+1, a.status, want)
		}
		if want == 429 && a.header.Get("Retry-After") != "1" {
			t.Errorf("Retry-After %q, want 1", a.header.Get("Retry-After"))
		}
	}
	// Static files count too: the limit is per client, not per route.
	if a := get(t, hs.URL+"/release.json"); a.status != 429 {
		t.Errorf("static file while limited: status %d, want 429", a.status)
	}
	c.advance(500 * time.Millisecond)
	if a := get(t, u); a.status != 429 {
		t.Errorf("half a second on: status %d, want 429", a.status)
	}
	c.advance(600 * time.Millisecond)
	if a := get(t, u); a.status != 200 {
		t.Errorf("a second on: status %d, want 200", a.status)
	}
	if a := get(t, u); a.status != 429 {
		t.Errorf("the refilled token spent: status %d, want 429", a.status)
	}
	c.advance(time.Hour)
	for i := range 2 {
		if a := get(t, u); a.status != 200 {
			t.Errorf("an hour on, request %d: status %d, want 200 (a full burst)", i+1, a.status)
		}
	}
	// A preflight is never limited.
	if a := do(t, http.MethodOptions, u, nil); a.status != http.StatusNoContent {
		t.Errorf("OPTIONS while limited: status %d, want 204", a.status)
	}
}

// TestBodyLimit checks that a body over MaxBody is refused 413, whether
// its length is declared or only found while reading, and that nothing
// reaches ingest when it is declared.
func TestBodyLimit(t *testing.T) {
	t.Parallel()
	ts := newTokens(t)
	subs := &recorder{}
	_, hs := startServer(t, schemas.Layout{Root: t.TempDir()}, Config{Submissions: subs, Tokens: storeTokens{ts.store}, MaxBody: 1024})
	u := hs.URL + Prefix + "/returns"
	auth := []string{"Authorization", "Bearer " + ts.trafford}
	ok := do(t, http.MethodPost, u, strings.NewReader(strings.Repeat("x", 1024)), auth...)
	if ok.status != http.StatusAccepted {
		t.Fatalf("a body of MaxBody bytes: status %d, want 202", ok.status)
	}
	checkProblem(t, do(t, http.MethodPost, u, strings.NewReader(strings.Repeat("x", 1025)), auth...), http.StatusRequestEntityTooLarge)
	if n := len(subs.calls()); n != 1 {
		t.Errorf("%d submissions, want 1: a declared oversized body reached ingest", n)
	}
	// Without a Content-Length the limit is found while reading.
	chunked := io.MultiReader(strings.NewReader(strings.Repeat("y", 4096)))
	p := checkProblem(t, do(t, http.MethodPost, u, chunked, auth...), http.StatusRequestEntityTooLarge)
	if !strings.Contains(p.Detail, "1.0 kB") {
		t.Errorf("detail %q does not give the limit", p.Detail)
	}
	// Even without a token, a declared oversized body is refused first.
	checkProblem(t, do(t, http.MethodPost, u, strings.NewReader(strings.Repeat("x", 2000))), http.StatusRequestEntityTooLarge)
}

// TestRequestTimeout checks that a request over RequestTimeout is a 503
// problem, not a 500, and that the server answers afterwards.
func TestRequestTimeout(t *testing.T) {
	t.Parallel()
	f := sharedFixture(t)
	_, hs := startServer(t, f.layout, Config{RequestTimeout: time.Nanosecond})
	for _, path := range []string{"/comparisons?sort=-z_score", "/councils/" + trafford, "/providers?q=care"} {
		p := checkProblem(t, get(t, hs.URL+Prefix+path), http.StatusServiceUnavailable)
		if p.Code != schemas.EUNAVAILABLE || !strings.Contains(p.Detail, "took longer") {
			t.Errorf("%s: problem %+v", path, p)
		}
	}
	// A timed-out answer is not cached: the same request fails again the
	// same way rather than answering something half made.
	checkProblem(t, get(t, hs.URL+Prefix+"/comparisons?sort=-z_score"), http.StatusServiceUnavailable)
	for _, path := range []string{Prefix + "/openapi.json", Prefix + "/releases", "/release.json"} {
		if a := get(t, hs.URL+path); a.status != http.StatusOK {
			t.Errorf("after timeouts, GET %s: status %d, want 200", path, a.status)
		}
	}
}

// TestSlowClient serves on a real listener and checks that a client that
// sends its headers slowly is cut off after ReadHeaderTimeout, while
// others are served.
func TestSlowClient(t *testing.T) {
	t.Parallel()
	f := sharedFixture(t)
	s := New(Config{Layout: f.layout, DuckDB: duckdbOptions, Rate: -1, ReadHeaderTimeout: 200 * time.Millisecond})
	if err := s.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, ln, 5*time.Second) }()
	defer func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	}()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	if _, err := io.WriteString(conn, "GET /api/v1/periods HTTP/1.1\r\nHost: x\r\n"); err != nil {
		t.Fatal(err)
	}
	// Trickle a header a byte at a time, never ending the headers.
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, b := range []byte("X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa") {
			if _, err := conn.Write([]byte{b}); err != nil {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	elapsed := time.Since(start)
	switch {
	case err == nil:
		resp.Body.Close()
		if resp.StatusCode < 400 {
			t.Errorf("the slow client was answered %d", resp.StatusCode)
		}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), isReset(err):
	default:
		t.Errorf("reading the slow client's answer: %v, want the connection closed", err)
	}
	if elapsed > 2*time.Second {
		t.Errorf("the slow client was cut off after %v, want about 200ms", elapsed)
	}
	<-done
	// Others are served meanwhile and after.
	resp, err = http.Get("http://" + ln.Addr().String() + Prefix + "/periods")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("status %d after the slow client, want 200", resp.StatusCode)
	}
}

// isReset reports whether err is the server closing the connection, not
// the test's own read deadline passing.
func isReset(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && !errors.Is(err, os.ErrDeadlineExceeded)
}

// syncBuffer is a log destination safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestAccessLog checks the line each request leaves, and that an internal
// failure is logged in full while the client sees a plain sentence.
func TestAccessLog(t *testing.T) {
	t.Parallel()
	var buf syncBuffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	ts := newTokens(t)
	_, hs := startServer(t, schemas.Layout{Root: t.TempDir()}, Config{Log: log, Submissions: &recorder{}, Tokens: storeTokens{ts.store}})
	a := get(t, hs.URL+Prefix+"/openapi.json")
	id := a.header.Get("X-Request-Id")
	failed := do(t, http.MethodPost, hs.URL+Prefix+"/returns", strings.NewReader("fail"), "Authorization", "Bearer "+ts.trafford)
	failedID := failed.header.Get("X-Request-Id")
	hs.Close() // the log line is written after the answer
	var access, internal bool
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if rec["msg"] == "request" && rec["request_id"] == id {
			access = rec["status"] == float64(200) && rec["method"] == "GET" && rec["path"] == Prefix+"/openapi.json" &&
				rec["ms"] != nil && rec["client"] == "127.0.0.1"
		}
		if rec["msg"] == "request failed" && rec["request_id"] == failedID {
			internal = strings.Contains(fmt.Sprint(rec["err"]), "/secret/path")
		}
	}
	if !access {
		t.Errorf("no access line for request %s with its status, method, path, latency and client:\n%s", id, buf.String())
	}
	if !internal {
		t.Errorf("the internal failure of request %s is not logged with its error:\n%s", failedID, buf.String())
	}
}

// TestPanic checks that a handler's panic is a 500 problem, logged, and
// that the server goes on.
func TestPanic(t *testing.T) {
	t.Parallel()
	var buf syncBuffer
	s := New(Config{Layout: schemas.Layout{Root: t.TempDir()}, Log: slog.New(slog.NewTextHandler(&buf, nil)), Rate: -1})
	h := s.middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/boom" {
			panic("boom at /secret/path")
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	hs := httptest.NewServer(h)
	defer hs.Close()
	a := get(t, hs.URL+"/boom")
	p := checkProblem(t, a, http.StatusInternalServerError)
	if strings.Contains(p.Detail, "secret") {
		t.Errorf("the panic is shown: %q", p.Detail)
	}
	checkSecurityHeaders(t, a)
	if a := get(t, hs.URL+"/fine"); a.status != http.StatusNoContent {
		t.Errorf("after a panic: status %d", a.status)
	}
	if !strings.Contains(buf.String(), "boom at /secret/path") {
		t.Errorf("the panic is not logged:\n%s", buf.String())
	}
}
