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
	"strings"
	"sync"
	"testing"
	"time"
)

// load is what a load run measured.
type load struct {
	requests, errors int
	rps              float64
	p50, p99         time.Duration
	bytes            int64 // of an answer, on average
}

// hammer requests urls (cycling through them) from workers goroutines for
// d, and measures the rate, the latencies and the failures. Answers are
// asked for uncompressed, so that a file and an API answer cost the same
// to send.
func hammer(urls []string, workers int, d time.Duration) load {
	tr := &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: workers}
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	defer tr.CloseIdleConnections()
	var (
		mu    sync.Mutex
		lat   []time.Duration
		fails int
		size  int64
	)
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			var mine []time.Duration
			var sizes int64
			bad := 0
			for i := w; time.Now().Before(deadline); i++ {
				start := time.Now()
				resp, err := client.Get(urls[i%len(urls)])
				if err != nil {
					bad++
					continue
				}
				n, err := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != http.StatusOK {
					bad++
					continue
				}
				mine = append(mine, time.Since(start))
				sizes += n
			}
			mu.Lock()
			lat = append(lat, mine...)
			fails += bad
			size += sizes
			mu.Unlock()
		})
	}
	wg.Wait()
	l := summarise(lat, size, fails)
	l.rps = float64(len(lat)) / d.Seconds()
	return l
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
// limit and returns its base URL and a function that stops it.
func startServe(b *testing.B, bin, dataDir string) (string, func()) {
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
	return base, stop
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

// BenchmarkServe loads `yardstick serve` on loopback over the million-row
// sample's release (ingested and published first, not timed). For the
// comparisons endpoint (a page of 100 rows) and the provider endpoint, it
// measures requests a second, p50 and p99 latency and errors, and the
// same server's rate serving a static file of the same size from the
// release folder, in the same run. Target: each endpoint at least half
// the static file's rate, p99 under 20 ms, no errors. It also reports
// the first, uncached request of each of 50 different URLs, the cost of
// a query the cache has not yet answered; the load then cycles through
// the same 50 URLs.
func BenchmarkServe(b *testing.B) {
	dir, csvPath, bin, _ := prepare(b)
	dataDir := filepath.Join(dir, "data")
	for _, args := range [][]string{{"ingest", "--data", dataDir, csvPath}, {"publish", "--data", dataDir}} {
		if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
			b.Fatalf("%s: %v\n%s", args[0], err, out)
		}
	}
	base, stop := startServe(b, bin, dataDir)
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
	if len(periods.Items) == 0 || len(metrics.Items) == 0 || len(providers.Items) < 50 {
		b.Fatalf("release has %d periods, %d metrics, %d providers", len(periods.Items), len(metrics.Items), len(providers.Items))
	}
	period := periods.Items[len(periods.Items)-1].Period
	var comparisonURLs, providerURLs []string
	for i := 0; len(comparisonURLs) < 50; i++ {
		comparisonURLs = append(comparisonURLs, fmt.Sprintf("%s/comparisons?metric=%s&period=%s&page=%d&page_size=100",
			api, metrics.Items[i%len(metrics.Items)].ID, period, 1+i/len(metrics.Items)))
	}
	for _, p := range providers.Items[:50] {
		providerURLs = append(providerURLs, api+"/providers/"+p.ProviderID)
	}

	// The static peer: a file of the same size in the release folder,
	// served by the same server. The data folder is the benchmark's own,
	// thrown away after; adding a file to its release (which SHA256SUMS
	// then does not list) is how the same server serves it the same way.
	static := func(name string, size int64) string {
		path := filepath.Join(dataDir, "current", name)
		if err := os.WriteFile(path, []byte(strings.Repeat("x", int(size))), 0o644); err != nil {
			b.Fatal(err)
		}
		return base + "/" + name
	}
	const workers, d = 8, 5 * time.Second
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		fmt.Printf("\nserve: %s on loopback, %d client workers, %s a run, answers uncompressed\n", base, workers, d)
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
			hot := hammer(ep.urls, workers, d)
			file := hammer([]string{static(fmt.Sprintf("bench-%d-%d.json", i, cold.bytes), cold.bytes)}, workers, d)
			ratio := hot.rps / file.rps
			fmt.Printf("  %s, 50 URLs of %d bytes on average:\n", ep.name, cold.bytes)
			fmt.Printf("    endpoint:    %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  %d errors\n", hot.rps, ms(hot.p50), ms(hot.p99), hot.errors)
			fmt.Printf("    static file: %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  %d errors\n", file.rps, ms(file.p50), ms(file.p99), file.errors)
			fmt.Printf("    first request of 50 URLs (uncached): p50 %6.2f ms  p99 %6.2f ms\n", ms(cold.p50), ms(cold.p99))
			fmt.Printf("    ratio %.2f (target >= 0.5: %s); p99 %.2f ms (target < 20: %s); errors %d (target 0: %s)\n",
				ratio, verdict(ratio >= 0.5), ms(hot.p99), verdict(hot.p99 < 20*time.Millisecond), hot.errors+file.errors,
				verdict(hot.errors+file.errors == 0))
			if ratio < 0.5 || hot.p99 >= 20*time.Millisecond || hot.errors+file.errors > 0 {
				b.Errorf("%s: a serve target was missed (see above)", ep.name)
			}
			key := strings.Fields(ep.name)[0]
			b.ReportMetric(ratio, key+"-ratio")
			b.ReportMetric(hot.rps, key+"-req/s")
			b.ReportMetric(ms(hot.p99), key+"-p99-ms")
		}
	}
}

// hammerOnce requests each url once, one at a time: the latency of
// answers not yet in the cache, and their mean size.
func hammerOnce(urls []string) load {
	var lat []time.Duration
	var total int64
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
	}
	return summarise(lat, total, bad)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
