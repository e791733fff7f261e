package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/data"
	"github.com/yardstick-open/yardstick/ingest/sample"
	"github.com/yardstick-open/yardstick/schemas"
	"github.com/yardstick-open/yardstick/schemas/config"
	"github.com/yardstick-open/yardstick/tokens"
)

var (
	soakFor   = flag.Duration("soak", 0, "run TestSoak for this long (make soak); 0 skips it")
	soakTrace = flag.String("soak-trace", "", "write the server's GC trace (GODEBUG=gctrace=1), a memory sample "+
		"every 2 seconds and its smaps at the start and end of the measure to this folder")
	soakBin       = flag.String("soak-bin", "", "soak this yardstick binary instead of building one")
	soakAllocator = flag.String("soak-allocator", "dirty_decay_ms:0,muzzy_decay_ms:0",
		"DUCKDB_JE_MALLOC_CONF for the server, so that its resident memory is the memory it holds; \"\" keeps DuckDB's own policy")
)

// TestSoak runs the whole product for a bounded time on loopback, as a
// council-facing service runs: `yardstick serve` takes returns posted with
// councils' tokens (every sample file, then each again with other bytes, as
// a council resending a corrected file), `yardstick publish` runs every 20
// seconds, and readers fetch API pages and release files throughout. It
// reports requests served, errors, publishes survived, submissions
// acknowledged and found, and the server's memory growth once a release
// holds every file. Targets: 0 errors, 0 lost submissions, memory growth
// under 10%.
//
// The memory measure is meant to find a leak: memory the server still
// holds, growing with time, requests, submissions or releases swapped,
// while what it serves stays the same size. So:
//
//   - It starts once a release of every file is served. From then on a
//     resent file replaces its earlier submission, and the releases hold the
//     same rows (each also lists every submission, a few bytes each); the
//     size of each release's database is reported to show it.
//   - DuckDB's allocator (jemalloc) keeps the pages a finished query or a
//     closed release freed, for reuse, and gives them back to the system
//     only when that arena is next busy: resident memory then moves with
//     the largest burst of queries lately (98 to 170 MB of anonymous memory
//     over 12 swaps, up and down, in BENCHMARKS.md's swap loop) and says
//     little about what is held. The server is run with
//     DUCKDB_JE_MALLOC_CONF=dirty_decay_ms:0,muzzy_decay_ms:0 (-soak-allocator),
//     which returns freed pages at once, so resident memory is what is held
//     (27 to 33 MB in the same loop). -soak-allocator "" keeps DuckDB's own
//     policy, to see the memory a deployment should budget for.
//   - Growth compares the median resident memory of the last quarter of the
//     samples with that of the second quarter (the first covers the new
//     release's warm-up): a median, since a sample taken while a page of
//     comparisons is sorted holds that query's memory, which is no leak.
func TestSoak(t *testing.T) {
	if *soakFor <= 0 {
		t.Skip("run with -soak DURATION (make soak)")
	}
	dir := t.TempDir()
	dataDir := filepath.Join(dir, "data")
	bin := *soakBin
	if bin == "" {
		bin = filepath.Join(dir, "yardstick")
		if out, err := exec.Command("go", "build", "-o", bin, "../cmd/yardstick").CombinedOutput(); err != nil {
			t.Fatalf("build yardstick: %v\n%s", err, out)
		}
	}
	cat, err := config.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	councils, err := schemas.LoadCouncils(data.Reference())
	if err != nil {
		t.Fatal(err)
	}
	returns := filepath.Join(dir, "returns")
	if _, err := sample.Generate(returns, cat, councils, sample.Options{Rows: 40_000, Seed: 11}); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(returns, "*.csv"))
	slices.Sort(files)

	// One token per council, made as `yardstick tokens create` makes them.
	store := &tokens.Store{Path: schemas.Layout{Root: dataDir}.TokensFile()}
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		t.Fatal(err)
	}
	bearer := map[string]string{}
	for _, f := range files {
		council, _, _ := strings.Cut(filepath.Base(f), "_")
		if bearer[council] == "" {
			secret, _, err := store.Create(context.Background(), council, "soak", time.Now())
			if err != nil {
				t.Fatal(err)
			}
			bearer[council] = secret
		}
	}

	serve := exec.Command(bin, "serve", "--data", dataDir, "--addr", "127.0.0.1:0", "--rate", "0")
	serve.Stderr = io.Discard
	serve.Env = os.Environ()
	if *soakAllocator != "" {
		serve.Env = append(serve.Env, "DUCKDB_JE_MALLOC_CONF="+*soakAllocator)
	}
	var trace *os.File
	if *soakTrace != "" {
		if err := os.MkdirAll(*soakTrace, 0o755); err != nil {
			t.Fatal(err)
		}
		log, err := os.Create(filepath.Join(*soakTrace, "serve.log"))
		if err != nil {
			t.Fatal(err)
		}
		defer log.Close()
		serve.Stderr = log
		serve.Env = append(serve.Env, "GODEBUG=gctrace=1")
		if trace, err = os.Create(filepath.Join(*soakTrace, "memory.tsv")); err != nil {
			t.Fatal(err)
		}
		defer trace.Close()
		fmt.Fprintf(trace, "seconds\tsteady\tpublishes\trss_kb\tanon_kb\tfile_kb\tthreads\tfds\n")
	}
	stdout, err := serve.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	base := readBase(t, stdout)
	client := &http.Client{Timeout: 30 * time.Second}

	var (
		served, failed, published, publishFailed atomic.Int64
		serving                                  atomic.Bool // the server has answered from a release
		sentAll                                  atomic.Bool // every file has been submitted once
		steady                                   atomic.Bool // a release of every file is served
		mu                                       sync.Mutex
		acked                                    []string
		failures                                 []string
		dbSizes                                  []int64 // of each release published
	)
	fail := func(format string, args ...any) {
		failed.Add(1)
		mu.Lock()
		if len(failures) < 20 {
			failures = append(failures, fmt.Sprintf(format, args...))
		}
		mu.Unlock()
	}
	start := time.Now()
	deadline := start.Add(*soakFor)
	var wg sync.WaitGroup

	// Councils submit: every file, then each again with other bytes.
	wg.Go(func() {
		for round := 0; time.Now().Before(deadline); round++ {
			if round == 1 {
				sentAll.Store(true)
			}
			for _, f := range files {
				if !time.Now().Before(deadline) {
					return
				}
				body, err := os.ReadFile(f)
				if err != nil {
					fail("read %s: %v", f, err)
					continue
				}
				// Another round is the same rows in other bytes: a
				// resent file, a new submission of the same figures.
				body = append(body, bytes.Repeat([]byte("\n"), round)...)
				council, _, _ := strings.Cut(filepath.Base(f), "_")
				req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/returns", bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+bearer[council])
				resp, err := client.Do(req)
				if err != nil {
					fail("POST %s: %v", filepath.Base(f), err)
					continue
				}
				var rec struct {
					ID     string `json:"submission_id"`
					Status string `json:"status"`
				}
				err = json.NewDecoder(resp.Body).Decode(&rec)
				resp.Body.Close()
				served.Add(1)
				if resp.StatusCode != http.StatusAccepted || err != nil || rec.Status != schemas.SubmissionAccepted {
					fail("POST %s: %d %v %+v", filepath.Base(f), resp.StatusCode, err, rec)
					continue
				}
				mu.Lock()
				acked = append(acked, rec.ID)
				mu.Unlock()
			}
		}
	})
	// A publish every 20 seconds, from the first accepted return on
	// (before it, publish rightly says there is nothing to publish).
	wg.Go(func() {
		for time.Now().Before(deadline) {
			mu.Lock()
			none := len(acked) == 0
			mu.Unlock()
			if none {
				time.Sleep(100 * time.Millisecond)
				continue
			}
			all := sentAll.Load()
			if out, err := exec.Command(bin, "publish", "--data", dataDir).CombinedOutput(); err != nil {
				publishFailed.Add(1)
				fail("publish: %v\n%s", err, out)
			} else {
				published.Add(1)
				size := releaseSize(t, dataDir, time.Since(start))
				mu.Lock()
				dbSizes = append(dbSizes, size)
				mu.Unlock()
				if all {
					// From here on the releases hold the same rows:
					// memory should hold steady, whatever it grew to
					// while the data grew.
					steady.Store(true)
				}
			}
			time.Sleep(min(20*time.Second, time.Until(deadline)))
		}
	})
	// Readers: API pages and release files.
	paths := []string{"/api/v1/metrics", "/api/v1/periods", "/api/v1/comparisons?page_size=100&sort=-value",
		"/api/v1/providers?q=care", "/api/v1/councils?with_data=true", "/api/v1/releases", "/api/v1/releases/current",
		"/data/comparisons.parquet", "/release.json", "/api/v1/comparisons?format=csv&page=2"}
	for r := range 4 {
		wg.Go(func() {
			for i := r; time.Now().Before(deadline); i++ {
				resp, err := client.Get(base + paths[i%len(paths)])
				if err != nil {
					fail("GET %s: %v", paths[i%len(paths)], err)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				served.Add(1)
				// Before the server has a release the API answers 503
				// and the files 404, as documented (it looks for one
				// every second); from its first answer from a release
				// on, every answer is 200.
				if resp.StatusCode == http.StatusOK && resp.Header.Get("X-Release") != "" {
					serving.Store(true)
				} else if serving.Load() {
					fail("GET %s: %d", paths[i%len(paths)], resp.StatusCode)
				}
				time.Sleep(5 * time.Millisecond)
			}
		})
	}
	// The server's memory, once the releases stop growing.
	var rss []int64
	wg.Go(func() {
		for time.Now().Before(deadline) {
			if steady.Load() {
				if len(rss) == 0 && trace != nil {
					copySmaps(t, serve.Process.Pid, "smaps-start")
				}
				rss = append(rss, residentKB(serve.Process.Pid))
			}
			if trace != nil {
				st := procStatus(serve.Process.Pid)
				fds, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", serve.Process.Pid))
				fmt.Fprintf(trace, "%.0f\t%v\t%d\t%s\t%s\t%s\t%s\t%d\n", time.Since(start).Seconds(), steady.Load(), published.Load(),
					st["VmRSS"], st["RssAnon"], st["RssFile"], st["Threads"], len(fds))
			}
			time.Sleep(2 * time.Second)
		}
		if trace != nil {
			copySmaps(t, serve.Process.Pid, "smaps-end")
		}
	})
	wg.Wait()

	if err := serve.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if err := serve.Wait(); err != nil {
		t.Errorf("serve after SIGINT: %v", err)
	}

	// Every acknowledged submission is in the data folder, accepted.
	lost := 0
	for _, id := range acked {
		b, err := os.ReadFile(filepath.Join(dataDir, "submissions", id, "manifest.json"))
		var m schemas.Manifest
		if err != nil || json.Unmarshal(b, &m) != nil || m.Status != schemas.SubmissionAccepted {
			lost++
		}
	}
	growth := 0.0
	var from, to int64
	if len(rss) >= 8 {
		q := len(rss) / 4
		from, to = median(rss[q:2*q]), median(rss[len(rss)-q:])
		growth = float64(to-from) / float64(from) * 100
		t.Logf("server memory (MB, every 2 s once every file was published): %s", rssLine(rss))
	} else {
		t.Errorf("memory measured %d times once every file was published; run the soak longer", len(rss))
	}
	allocator := "DuckDB's own allocator policy"
	if *soakAllocator != "" {
		allocator = "DUCKDB_JE_MALLOC_CONF=" + *soakAllocator
	}
	fmt.Printf("\nsoak for %s on %s: %d requests served, %d errors, %d publishes survived (%d failed), "+
		"%d submissions acknowledged, %d lost, server memory growth %.1f%% once every file was published "+
		"(median %.1f MB in the second quarter, %.1f MB in the last; %s; release databases of %s MB)\n",
		*soakFor, base, served.Load(), failed.Load(), published.Load(), publishFailed.Load(), len(acked), lost, growth,
		float64(from)/1024, float64(to)/1024, allocator, mbList(dbSizes))
	for _, f := range failures {
		t.Error(f)
	}
	if lost > 0 {
		t.Errorf("%d acknowledged submissions are not in the data folder as accepted", lost)
	}
	if published.Load() < 2 {
		t.Errorf("only %d publishes in %s; the soak needs at least 2", published.Load(), *soakFor)
	}
	if growth >= 10 {
		t.Errorf("server memory grew %.1f%% once every file was published; target under 10%%", growth)
	}
}

// readBase returns the base URL `yardstick serve` printed.
func readBase(t *testing.T, stdout io.Reader) string {
	t.Helper()
	base, err := serveBase(stdout)
	if err != nil {
		t.Fatal(err)
	}
	return base
}

// residentKB returns a process's resident memory in KiB, from /proc.
func residentKB(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

// procStatus returns the fields of a process's /proc status file, their
// values without units.
func procStatus(pid int) map[string]string {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	fields := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			fields[k] = strings.TrimSuffix(strings.TrimSpace(v), " kB")
		}
	}
	return fields
}

// releaseSize returns the size of the current release's database, and
// with -soak-trace appends it and the size of all the release's files to
// releases.tsv, to tell whether the releases still grow.
func releaseSize(t *testing.T, dataDir string, at time.Duration) int64 {
	dir, err := filepath.EvalSymlinks(schemas.Layout{Root: dataDir}.Current())
	if err != nil {
		t.Logf("release size: %v", err)
		return 0
	}
	db, err := os.Stat(filepath.Join(dir, schemas.DatabaseFile))
	if err != nil {
		t.Logf("release size: %v", err)
		return 0
	}
	if *soakTrace == "" {
		return db.Size()
	}
	var total int64
	filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				total += info.Size()
			}
		}
		return nil
	})
	f, err := os.OpenFile(filepath.Join(*soakTrace, "releases.tsv"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.Logf("trace release: %v", err)
		return db.Size()
	}
	defer f.Close()
	fmt.Fprintf(f, "%.0f\t%s\t%d\t%d\n", at.Seconds(), filepath.Base(dir), db.Size(), total)
	return db.Size()
}

// copySmaps copies a process's memory map, with each mapping's resident
// size, into the trace folder as name.
func copySmaps(t *testing.T, pid int, name string) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps", pid))
	if err == nil {
		err = os.WriteFile(filepath.Join(*soakTrace, name), b, 0o644)
	}
	if err != nil {
		t.Logf("copy smaps: %v", err)
	}
}

func rssLine(rss []int64) string {
	var parts []string
	for _, r := range rss {
		parts = append(parts, strconv.FormatInt(r/1024, 10))
	}
	return strings.Join(parts, " ") + " MB"
}

// median returns the middle value of s (the upper one of an even count).
func median(s []int64) int64 {
	s = slices.Clone(s)
	slices.Sort(s)
	return s[len(s)/2]
}

// mbList writes sizes in bytes as megabytes with one decimal.
func mbList(sizes []int64) string {
	var parts []string
	for _, n := range sizes {
		parts = append(parts, strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64))
	}
	return strings.Join(parts, ", ")
}
