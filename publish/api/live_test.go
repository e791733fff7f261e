package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/publish/publishtest"
	"github.com/yardstick-open/yardstick/schemas"
)

// liveClient is a client for the live tests, with keep-alive connections
// that outlive a release.
func liveClient() *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
}

// TestLiveReleases serves a data folder while releases are published into
// it, one figure changed in each, with clients asking all the while: no
// request fails, and every answer is all of one release, the one its
// X-Release header names.
func TestLiveReleases(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	ctx := context.Background()
	day := func(d int) time.Time { return time.Date(2025, 1, d, 0, 0, 0, 0, time.UTC) }
	publishtest.WriteSubmissions(t, root,
		submission("20250101T000000Z-aaaa", trafford, day(1), 60, alpha, formula),
		submission("20250102T000000Z-bbbb", bury, day(2), 75, alpha, gamma))
	var hours atomic.Int64
	b := builder(root, func() time.Time { return t0.Add(time.Duration(hours.Add(1)) * time.Hour) })
	// want is Alpha's numerator in Trafford in Q1, by release.
	var wantMu sync.Mutex
	want := map[string]int64{}
	first, err := b.Publish(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want[first.ID] = 60

	s := New(Config{Layout: b.Layout, DuckDB: duckdbOptions, Rate: -1, Poll: 10 * time.Millisecond})
	if err := s.Open(ctx); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	serveCtx, stop := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- s.Serve(serveCtx, ln, 10*time.Second) }()
	base := "http://" + ln.Addr().String()

	// seen is what the clients read: Alpha's numerator by X-Release.
	var (
		mu       sync.Mutex
		failures []string
		seen     = map[string]map[int64]bool{}
		requests atomic.Int64
	)
	fail := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		if len(failures) < 20 {
			failures = append(failures, fmt.Sprintf(format, args...))
		}
	}
	fetch := func(c *http.Client, path string, v any) (release string, ok bool) {
		requests.Add(1)
		resp, err := c.Get(base + path)
		if err != nil {
			fail("GET %s: %v", path, err)
			return "", false
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			fail("GET %s: read: %v", path, err)
			return "", false
		}
		if resp.StatusCode != http.StatusOK {
			fail("GET %s: status %d: %s", path, resp.StatusCode, clipBody(body))
			return "", false
		}
		if err := json.Unmarshal(body, v); err != nil {
			fail("GET %s: %v", path, err)
			return "", false
		}
		return resp.Header.Get("X-Release"), true
	}
	done := make(chan struct{})
	var clients sync.WaitGroup
	for range 4 {
		clients.Go(func() {
			c := liveClient()
			for {
				select {
				case <-done:
					return
				default:
				}
				var rel schemas.Release
				if id, ok := fetch(c, Prefix+"/releases/current", &rel); ok && id != rel.ID {
					fail("/releases/current: X-Release %s, body id %s", id, rel.ID)
				}
				if id, ok := fetch(c, "/release.json", &rel); ok && id != rel.ID {
					fail("/release.json: X-Release %s, body id %s", id, rel.ID)
				}
				var page struct{ Items []schemas.ComparisonRow }
				id, ok := fetch(c, Prefix+"/comparisons?metric="+onTime+"&period="+q1+"&council="+trafford+"&provider="+alpha, &page)
				if !ok {
					continue
				}
				if len(page.Items) != 1 || page.Items[0].Numerator == nil {
					fail("comparisons of %s: %+v", id, page.Items)
					continue
				}
				mu.Lock()
				if seen[id] == nil {
					seen[id] = map[int64]bool{}
				}
				seen[id][*page.Items[0].Numerator] = true
				mu.Unlock()
			}
		})
	}

	const publishes = 4
	for i := 1; i <= publishes; i++ {
		num := int64(60 + i)
		publishtest.WriteSubmissions(t, root,
			submission(fmt.Sprintf("2025020%dT000000Z-%04x", i, i), trafford, day(10+i), num, alpha, formula))
		rel, err := b.Publish(ctx)
		if err != nil {
			t.Fatal(err)
		}
		wantMu.Lock()
		want[rel.ID] = num
		wantMu.Unlock()
		// Wait for the server to follow current, as clients ask.
		deadline := time.Now().Add(10 * time.Second)
		for s.Release() != rel.ID {
			if time.Now().After(deadline) {
				t.Fatalf("the server still serves %s, 10s after %s was published", s.Release(), rel.ID)
			}
			time.Sleep(5 * time.Millisecond)
		}
		// Let the clients read the new release for a moment.
		time.Sleep(100 * time.Millisecond)
	}
	close(done)
	clients.Wait()

	// Serve returns when its context ends, and closes the release.
	stop()
	if err := <-served; err != nil {
		t.Errorf("Serve: %v", err)
	}
	if id := s.Release(); id != "" {
		t.Errorf("after Serve returned, release %s is still open", id)
	}

	for _, f := range failures {
		t.Error(f)
	}
	if len(seen) < 2 {
		t.Errorf("the clients saw %d releases, want several: the test did not overlap publishing", len(seen))
	}
	for id, nums := range seen {
		if len(nums) != 1 || !nums[want[id]] {
			t.Errorf("release %s answered Alpha's numerator %v, want only %d", id, nums, want[id])
		}
	}
	t.Logf("%d requests over %d releases", requests.Load(), len(seen))
}

// TestGracefulShutdown ends Serve's context while a submission is being
// taken: the request completes, and Serve returns once it has.
func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	ts := newTokens(t)
	subs := &recorder{block: make(chan struct{}), entered: make(chan struct{}, 1)}
	s := New(Config{Layout: schemas.Layout{Root: t.TempDir()}, Rate: -1, Submissions: subs, Tokens: storeTokens{ts.store}})
	if err := s.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, ln, 10*time.Second) }()
	base := "http://" + ln.Addr().String()

	type result struct {
		status int
		body   string
		err    error
	}
	answered := make(chan result, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodPost, base+Prefix+"/returns", strings.NewReader("in flight"))
		req.Header.Set("Authorization", "Bearer "+ts.trafford)
		resp, err := liveClient().Do(req)
		if err != nil {
			answered <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		answered <- result{status: resp.StatusCode, body: string(b)}
	}()
	select {
	case <-subs.entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the submission did not reach Submit")
	}
	stop()
	// Serve waits for the request in flight.
	select {
	case err := <-served:
		t.Fatalf("Serve returned with a request in flight: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	// New connections are refused meanwhile.
	if conn, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		conn.Close()
		t.Errorf("a new connection was accepted after shutdown began")
	}
	close(subs.block)
	r := <-answered
	if r.err != nil || r.status != http.StatusAccepted {
		t.Errorf("the request in flight: status %d, err %v, body %s", r.status, r.err, r.body)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after the last request")
	}
	if got := subs.calls(); len(got) != 1 || got[0].body != "in flight" {
		t.Errorf("Submit got %+v", got)
	}
}

// TestShutdownDrain ends Serve's context while a request runs past the
// drain time: Serve gives up on it, cuts its connection and returns
// without an error, since the stop was asked for.
func TestShutdownDrain(t *testing.T) {
	t.Parallel()
	ts := newTokens(t)
	subs := &recorder{block: make(chan struct{}), entered: make(chan struct{}, 1)}
	defer close(subs.block)
	s := New(Config{Layout: schemas.Layout{Root: t.TempDir()}, Rate: -1, Submissions: subs, Tokens: storeTokens{ts.store}})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, ln, 100*time.Millisecond) }()
	answered := make(chan error, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodPost, "http://"+ln.Addr().String()+Prefix+"/returns", strings.NewReader("slow"))
		req.Header.Set("Authorization", "Bearer "+ts.trafford)
		resp, err := liveClient().Do(req)
		if err == nil {
			resp.Body.Close()
		}
		answered <- err
	}()
	<-subs.entered
	stop()
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve: %v, want nil after a stop asked for", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after the drain time")
	}
	select {
	case err := <-answered:
		if err == nil {
			t.Error("the request cut off at shutdown was answered")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the cut-off request's connection stayed open")
	}
}
