package bench

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// loadGen is an HTTP load generator on PATH, run as a process of its own
// so that the clients' work is not the benchmark's: wrk, which cycles
// through many URLs with a Lua script, or hey, which asks for one.
type loadGen struct {
	name, path string
	cycles     bool // asks for every URL given, in turn
}

// findLoader returns wrk or, failing that, hey, whichever is on PATH.
func findLoader() (loadGen, bool) {
	if p, err := exec.LookPath("wrk"); err == nil {
		return loadGen{name: "wrk", path: p, cycles: true}, true
	}
	if p, err := exec.LookPath("hey"); err == nil {
		return loadGen{name: "hey", path: p}, true
	}
	return loadGen{}, false
}

// run loads urls (all on one host) from workers connections for d. Both
// tools ask for answers uncompressed: wrk sends no Accept-Encoding, and hey
// is told not to.
func (g loadGen) run(urls []string, workers int, d time.Duration, scratch string) (load, error) {
	var cmd *exec.Cmd
	switch g.name {
	case "wrk":
		script := filepath.Join(scratch, "urls.lua")
		if err := os.WriteFile(script, []byte(wrkScript(urls)), 0o644); err != nil {
			return load{}, err
		}
		cmd = exec.Command(g.path, "-t", "2", "-c", strconv.Itoa(workers), "-d", d.String(), "--latency", "-s", script, urls[0])
	case "hey":
		cmd = exec.Command(g.path, "-z", d.String(), "-c", strconv.Itoa(workers), "-disable-compression", urls[0])
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return load{}, fmt.Errorf("%s: %v\n%s", g.name, err, out)
	}
	if g.name == "wrk" {
		return parseWrk(string(out))
	}
	return parseHey(string(out))
}

// wrkScript is a wrk script that asks for the paths of urls in turn, each
// thread from its own place in the list.
func wrkScript(urls []string) string {
	var b strings.Builder
	b.WriteString("local paths = {\n")
	for _, u := range urls {
		p := u
		if pu, err := url.Parse(u); err == nil {
			p = pu.RequestURI()
		}
		fmt.Fprintf(&b, "  %q,\n", p)
	}
	b.WriteString("}\nlocal i = 0\nrequest = function()\n  i = i + 1\n  return wrk.format(\"GET\", paths[(i % #paths) + 1])\nend\n")
	return b.String()
}

var (
	wrkRate      = regexp.MustCompile(`(?m)^Requests/sec:\s+([0-9.]+)`)
	wrkLatency   = regexp.MustCompile(`(?m)^\s+(50|99)%\s+([0-9.]+)(us|ms|s)\s*$`)
	wrkRequests  = regexp.MustCompile(`(?m)^\s+(\d+) requests in`)
	wrkNon2xx    = regexp.MustCompile(`(?m)^\s+Non-2xx or 3xx responses: (\d+)`)
	wrkSocketErr = regexp.MustCompile(`(?m)^\s+Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
)

// parseWrk reads the rate, the median and 99th percentile latency, the
// requests and the errors (answers other than 2xx or 3xx, and socket
// errors) from wrk's --latency output.
func parseWrk(out string) (load, error) {
	var l load
	m := wrkRate.FindStringSubmatch(out)
	if m == nil {
		return l, fmt.Errorf("wrk: no Requests/sec in its output:\n%s", out)
	}
	l.rps, _ = strconv.ParseFloat(m[1], 64)
	for _, m := range wrkLatency.FindAllStringSubmatch(out, -1) {
		d, err := time.ParseDuration(m[2] + strings.Replace(m[3], "us", "µs", 1))
		if err != nil {
			return l, fmt.Errorf("wrk: latency %s%s: %w", m[2], m[3], err)
		}
		if m[1] == "50" {
			l.p50 = d
		} else {
			l.p99 = d
		}
	}
	if l.p99 == 0 {
		return l, fmt.Errorf("wrk: no latency distribution in its output:\n%s", out)
	}
	if m := wrkRequests.FindStringSubmatch(out); m != nil {
		l.requests, _ = strconv.Atoi(m[1])
	}
	if m := wrkNon2xx.FindStringSubmatch(out); m != nil {
		l.errors, _ = strconv.Atoi(m[1])
	}
	if m := wrkSocketErr.FindStringSubmatch(out); m != nil {
		for _, s := range m[1:] {
			n, _ := strconv.Atoi(s)
			l.errors += n
		}
	}
	return l, nil
}

var (
	heyRate    = regexp.MustCompile(`(?m)^\s+Requests/sec:\s+([0-9.]+)`)
	heyLatency = regexp.MustCompile(`(?m)^\s+(50|99)% in ([0-9.]+) secs`)
	heyStatus  = regexp.MustCompile(`(?m)^\s+\[(\d+)\]\s+(\d+) responses`)
	heyError   = regexp.MustCompile(`(?m)^\s+\[(\d+)\]\s+\S`)
)

// parseHey reads the rate, the median and 99th percentile latency, the
// answers and the errors (answers other than 200, and the error
// distribution's counts) from hey's summary.
func parseHey(out string) (load, error) {
	var l load
	m := heyRate.FindStringSubmatch(out)
	if m == nil {
		return l, fmt.Errorf("hey: no Requests/sec in its output:\n%s", out)
	}
	l.rps, _ = strconv.ParseFloat(m[1], 64)
	for _, m := range heyLatency.FindAllStringSubmatch(out, -1) {
		secs, _ := strconv.ParseFloat(m[2], 64)
		d := time.Duration(secs * float64(time.Second))
		if m[1] == "50" {
			l.p50 = d
		} else {
			l.p99 = d
		}
	}
	if l.p99 == 0 {
		return l, fmt.Errorf("hey: no latency distribution in its output:\n%s", out)
	}
	_, statuses, _ := strings.Cut(out, "Status code distribution:")
	codes, errPart, _ := strings.Cut(statuses, "Error distribution:")
	for _, m := range heyStatus.FindAllStringSubmatch(codes, -1) {
		n, _ := strconv.Atoi(m[2])
		l.requests += n
		if m[1] != "200" {
			l.errors += n
		}
	}
	for _, m := range heyError.FindAllStringSubmatch(errPart, -1) {
		n, _ := strconv.Atoi(m[1])
		l.errors += n
	}
	return l, nil
}

// TestParseLoad reads outputs of wrk 4.1.0 and hey 0.1.4 (as Debian ships
// them, captured on loopback) and checks the figures read by eye from
// them.
func TestParseLoad(t *testing.T) {
	t.Parallel()
	const wrkOut = `Running 1s test @ http://127.0.0.1:18555/x.txt
  2 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.01ms    3.59ms  30.23ms   89.69%
    Req/Sec     0.89k   225.81     1.18k    65.00%
  Latency Distribution
     50%  751.00us
     75%    2.90ms
     90%    6.73ms
     99%   20.22ms
  1793 requests in 1.03s, 334.44KB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:   1748.61
Transfer/sec:    326.16KB
`
	const heyOut = `
Summary:
  Total:	1.0025 secs
  Slowest:	0.0139 secs
  Fastest:	0.0007 secs
  Average:	0.0024 secs
  Requests/sec:	1655.8954

Latency distribution:
  10% in 0.0013 secs
  50% in 0.0021 secs
  99% in 0.0077 secs

Status code distribution:
  [200]	1660 responses
  [503]	3 responses

Error distribution:
  [5]	Get "http://127.0.0.1:18555/x.txt": dial tcp: connection refused
`
	tests := []struct {
		name  string
		parse func(string) (load, error)
		out   string
		want  load
	}{
		{"wrk", parseWrk, wrkOut, load{rps: 1748.61, p50: 751 * time.Microsecond, p99: 20220 * time.Microsecond, requests: 1793, errors: 2 + 1 + 4}},
		{"hey", parseHey, heyOut, load{rps: 1655.8954, p50: 2100 * time.Microsecond, p99: 7700 * time.Microsecond, requests: 1663, errors: 3 + 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.parse(tt.out)
			if err != nil {
				t.Fatal(err)
			}
			if got.rps != tt.want.rps || got.requests != tt.want.requests || got.errors != tt.want.errors ||
				(got.p50-tt.want.p50).Abs() > time.Microsecond || (got.p99-tt.want.p99).Abs() > time.Microsecond {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
	if _, err := parseWrk("unable to connect to 127.0.0.1:1 Connection refused\n"); err == nil {
		t.Error("wrk output without figures was read without an error")
	}
	if _, err := parseHey("Error distribution:\n  [8]\tdial tcp: refused\n"); err == nil {
		t.Error("hey output without figures was read without an error")
	}
}

// TestLoadGenerators runs wrk and hey, each one that is on PATH, for a
// second against a server on loopback that answers two paths and counts
// what it is asked for: each must report answers, a rate, latencies and no
// errors, and wrk must have asked for both paths in turn. A tool that is
// not on PATH is skipped: bench-scale skips the API then too.
func TestLoadGenerators(t *testing.T) {
	for _, g := range []loadGen{{name: "wrk", cycles: true}, {name: "hey"}} {
		t.Run(g.name, func(t *testing.T) {
			p, err := exec.LookPath(g.name)
			if err != nil {
				t.Skipf("%s is not on PATH", g.name)
			}
			g.path = p
			var mu sync.Mutex
			hits := map[string]int{}
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				hits[r.URL.RequestURI()]++
				mu.Unlock()
				io.WriteString(w, "answer")
			}))
			defer srv.Close()
			urls := []string{srv.URL + "/a?x=1", srv.URL + "/b"}
			l, err := g.run(urls, 2, time.Second, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			if l.requests == 0 || l.rps <= 0 || l.errors != 0 || l.p50 <= 0 || l.p99 < l.p50 {
				t.Errorf("%s reported %+v", g.name, l)
			}
			mu.Lock()
			defer mu.Unlock()
			if g.cycles && (hits["/a?x=1"] == 0 || hits["/b"] == 0) {
				t.Errorf("%s asked for %v, want both paths", g.name, hits)
			}
		})
	}
}
