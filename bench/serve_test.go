package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// load is what a load run measured.
type load struct {
	requests, errors int
	rps              float64
	p50, p99         time.Duration
	bytes            int64  // of an answer, on average
	nearestMean      string // the URL whose answer is nearest that mean (hammerOnce)
}

// summarise is the load of answered requests taking lat and total bytes
// in all, and errors failed ones.
func summarise(lat []time.Duration, total int64, errors int) load {
	slices.Sort(lat)
	l := load{requests: len(lat), errors: errors}
	if len(lat) > 0 {
		l.bytes = total / int64(len(lat))
		l.p50, l.p99 = lat[len(lat)/2], lat[len(lat)*99/100]
	}
	return l
}

// startServe runs `yardstick serve` on a free loopback port with no rate
// limit and returns its base URL, its process id and a function that
// stops it.
func startServe(b *testing.B, bin, dataDir string) (string, int, func()) {
	b.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "serve", "--data", dataDir, "--addr", "127.0.0.1:0", "--rate", "0")
	cmd.Stderr = io.Discard // the access log
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	stop := func() { cancel(); cmd.Wait() }
	base, err := serveBase(out)
	if err != nil {
		stop()
		b.Fatal(err)
	}
	return base, cmd.Process.Pid, stop
}

// serveBase reads the stdout of `yardstick serve` up to the base URL it
// prints, and discards the rest as it comes.
func serveBase(stdout io.Reader) (string, error) {
	sc := bufio.NewScanner(stdout)
	var seen strings.Builder
	for sc.Scan() {
		if _, after, ok := strings.Cut(sc.Text(), "the release in a browser:"); ok {
			go io.Copy(io.Discard, stdout)
			return strings.TrimSuffix(strings.TrimSpace(after), "/"), nil
		}
		seen.WriteString(sc.Text() + "\n")
	}
	return "", fmt.Errorf("yardstick serve ended before printing its address (%v):\n%s", sc.Err(), seen.String())
}

// getJSON fetches url into v.
func getJSON(b *testing.B, url string, v any) int64 {
	b.Helper()
	resp, err := http.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("GET %s: %d %v", url, resp.StatusCode, err)
	}
	if err := json.Unmarshal(body, v); err != nil {
		b.Fatalf("GET %s: %v", url, err)
	}
	return int64(len(body))
}

// BenchmarkServe loads `yardstick serve` on loopback over the release of
// the -rows sample (ingested and published first, not timed, or shared
// with the other benchmarks of the run) with an HTTP load generator of its
// own process, wrk or hey, whichever is on PATH. For the comparisons
// endpoint (a page of 100 rows) and the provider endpoint, it measures
// requests a second, p50 and p99 latency and errors, and the same
// server's rate serving a static file of the same size from the release
// folder, in the same run. Target: each endpoint at least half the static
// file's rate, p99 under 20 ms, no errors. It also reports the first,
// uncached request of each of 50 different URLs, the cost of a query the
// cache has not yet answered; wrk then cycles through the same 50 URLs,
// and hey, which asks for one URL, asks for the one whose answer is
// nearest their mean size.
func BenchmarkServe(b *testing.B) {
	gen, ok := findLoader()
	if !ok {
		fmt.Println("\nserve: skipped: neither wrk nor hey is on PATH (apt-get install wrk, or hey)")
		report(scaleLine{what: "API", figure: "skipped: neither wrk nor hey is on PATH", peer: "–", ratio: "–", peak: "–"})
		b.Skip("neither wrk nor hey is on PATH")
	}
	dataDir := published(b)
	base, pid, stop := startServe(b, fixture.bin, dataDir)
	defer stop()
	api := base + "/api/v1"

	var periods struct{ Items []struct{ Period string } }
	getJSON(b, api+"/periods", &periods)
	var metrics struct{ Items []struct{ ID string } }
	getJSON(b, api+"/metrics", &metrics)
	var providers struct {
		Items []struct {
			ProviderID string `json:"provider_id"`
		}
	}
	getJSON(b, api+"/providers?page_size=100", &providers)
	if len(periods.Items) == 0 || len(metrics.Items) == 0 || len(providers.Items) == 0 {
		b.Fatalf("release has %d periods, %d metrics, %d providers", len(periods.Items), len(metrics.Items), len(providers.Items))
	}
	period := periods.Items[len(periods.Items)-1].Period
	var comparisonURLs, providerURLs []string
	for i := 0; len(comparisonURLs) < 50; i++ {
		comparisonURLs = append(comparisonURLs, fmt.Sprintf("%s/comparisons?metric=%s&period=%s&page=%d&page_size=100",
			api, metrics.Items[i%len(metrics.Items)].ID, period, 1+i/len(metrics.Items)))
	}
	// A small sample has fewer than 50 providers; each is then asked for
	// more than once, and only the first time is uncached.
	for i := 0; len(providerURLs) < 50; i++ {
		providerURLs = append(providerURLs, api+"/providers/"+providers.Items[i%len(providers.Items)].ProviderID)
	}

	// The static peer: a file of the same size in the release folder,
	// served by the same server. Adding a file to the release (which
	// SHA256SUMS then does not list) is how the same server serves it the
	// same way; it is removed when the benchmark ends, since with
	// -published the data folder is not the benchmark's own.
	static := func(name string, size int64) string {
		path := filepath.Join(dataDir, "current", name)
		if err := os.WriteFile(path, []byte(strings.Repeat("x", int(size))), 0o644); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { os.Remove(path) })
		return base + "/" + name
	}
	const workers, d = 8, 5 * time.Second
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		fmt.Printf("\nserve: %s on loopback, %s with %d connections, %s a run, answers uncompressed\n", base, gen.name, workers, d)
		for _, ep := range []struct {
			name string
			urls []string
		}{{"comparisons (100 rows)", comparisonURLs}, {"provider profile", providerURLs}} {
			cold := hammerOnce(ep.urls)
			if cold.errors > 0 || cold.bytes == 0 {
				// The static peer is a file of the answers' mean size:
				// without answers there is nothing to compare.
				b.Fatalf("%s: %d of %d first requests failed", ep.name, cold.errors, len(ep.urls))
			}
			urls := ep.urls
			if !gen.cycles {
				urls = []string{cold.nearestMean}
			}
			hot, err := gen.run(urls, workers, d, b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			file, err := gen.run([]string{static(fmt.Sprintf("bench-%d-%d.json", i, cold.bytes), cold.bytes)}, workers, d, b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			peakMB := float64(peakKB(pid)) / 1024
			ratio := hot.rps / file.rps
			fmt.Printf("  %s, %d URLs of %d bytes on average:\n", ep.name, len(urls), cold.bytes)
			fmt.Printf("    endpoint:    %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  %d errors\n", hot.rps, ms(hot.p50), ms(hot.p99), hot.errors)
			fmt.Printf("    static file: %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  %d errors\n", file.rps, ms(file.p50), ms(file.p99), file.errors)
			fmt.Printf("    first request of 50 URLs (uncached): p50 %6.2f ms  p99 %6.2f ms\n", ms(cold.p50), ms(cold.p99))
			fmt.Printf("    ratio %.2f (target >= 0.5: %s); p99 %.2f ms (target < 20: %s); errors %d (target 0: %s); server peak %.0f MB\n",
				ratio, verdict(ratio >= 0.5), ms(hot.p99), verdict(hot.p99 < 20*time.Millisecond), hot.errors+file.errors,
				verdict(hot.errors+file.errors == 0), peakMB)
			if ratio < 0.5 || hot.p99 >= 20*time.Millisecond || hot.errors+file.errors > 0 {
				b.Errorf("%s: a serve target was missed (see above)", ep.name)
			}
			key := strings.Fields(ep.name)[0]
			b.ReportMetric(ratio, key+"-ratio")
			b.ReportMetric(hot.rps, key+"-req/s")
			b.ReportMetric(ms(hot.p99), key+"-p99-ms")
			report(scaleLine{
				what: fmt.Sprintf("API, %s (%d bytes), %s", ep.name, cold.bytes, gen.name),
				figure: fmt.Sprintf("%.0f req/s, p50 %.2f ms, p99 %.2f ms (< 20: %s), %d errors; uncached p50 %.1f ms",
					hot.rps, ms(hot.p50), ms(hot.p99), verdict(hot.p99 < 20*time.Millisecond), hot.errors, ms(cold.p50)),
				peer:  fmt.Sprintf("static file of that size: %.0f req/s, p99 %.2f ms", file.rps, ms(file.p99)),
				ratio: fmt.Sprintf("%.2f (≥ 0.5: %s)", ratio, verdict(ratio >= 0.5)),
				peak:  fmt.Sprintf("%.0f MB (the server)", peakMB),
			})
		}
	}
}

// hammerOnce requests each url once, one at a time: the latency of
// answers not yet in the cache, their mean size, and the url whose answer
// is nearest that mean.
func hammerOnce(urls []string) load {
	var lat []time.Duration
	var total int64
	sizes := map[string]int64{}
	bad := 0
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}, Timeout: 30 * time.Second}
	for _, u := range urls {
		start := time.Now()
		resp, err := client.Get(u)
		if err != nil {
			bad++
			continue
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			bad++
			continue
		}
		lat = append(lat, time.Since(start))
		total += n
		sizes[u] = n
	}
	l := summarise(lat, total, bad)
	for _, u := range urls {
		if n, ok := sizes[u]; ok && (l.nearestMean == "" || abs(n-l.bytes) < abs(sizes[l.nearestMean]-l.bytes)) {
			l.nearestMean = u
		}
	}
	return l
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// peakKB is the peak resident memory of process pid so far (VmHWM), in
// kilobytes; 0 where /proc does not say.
func peakKB(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb
		}
	}
	return 0
}
