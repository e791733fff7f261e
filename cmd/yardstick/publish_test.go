package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/publish/publishtest"
	"github.com/yardstick-open/yardstick/schemas"
)

// TestSampleIngestPublish drives the binary from sample returns through
// ingest to a live release, then resubmits one return with a changed figure
// and publishes again: the second release names the first as its previous
// and marks the changed figure revised.
func TestSampleIngestPublish(t *testing.T) {
	dir := t.TempDir()
	returns := filepath.Join(dir, "returns")
	data := filepath.Join(dir, "data")
	if code, _, stderr := runCmd(t, "sample", "--rows", "2000", "--seed", "5", returns); code != exitOK {
		t.Fatalf("sample exit %d: %s", code, stderr)
	}
	files, err := filepath.Glob(filepath.Join(returns, "*.csv"))
	if err != nil || len(files) == 0 {
		t.Fatalf("sample wrote no returns: %v", err)
	}
	slices.Sort(files)
	if code, stdout, stderr := runCmd(t, append([]string{"ingest", "--data", data}, files...)...); code != exitOK {
		t.Fatalf("ingest exit %d\n%s\n%s", code, stdout, stderr)
	}

	first := publishOK(t, data)
	rel := readReleaseJSON(t, data, first)
	if rel.Previous != "" || rel.Counts.Observations == 0 || rel.Counts.Submissions != len(files) {
		t.Errorf("first release: previous %q, counts %+v, want %d submissions", rel.Previous, rel.Counts, len(files))
	}
	for _, f := range []string{"yardstick.duckdb", "release.json", "SHA256SUMS", "data/observations.parquet",
		"data/observations.csv.gz", "data/comparisons.parquet", "data/provider-profiles.parquet", "data/metrics.csv",
		"data/councils.csv", "data/providers.csv", "data/peer-groups.csv"} {
		if _, err := os.Stat(filepath.Join(data, "current", f)); err != nil {
			t.Errorf("release lacks %s: %v", f, err)
		}
	}
	// The large tables' CSV files are gzipped only: no plain copy beside;
	// the comparisons and provider profiles are Parquet only.
	for _, f := range []string{"data/observations.csv", "data/comparisons.csv", "data/benchmarks.csv",
		"data/provider-profiles.csv", "data/sector-benchmarks.csv", "data/comparisons.csv.gz", "data/provider-profiles.csv.gz"} {
		if _, err := os.Stat(filepath.Join(data, "current", f)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("release holds %s (%v), which it does not publish", f, err)
		}
	}
	verifySums(t, filepath.Join(data, "releases", first))

	resub := filepath.Join(dir, "resubmission.csv")
	provider := changeFigure(t, files, shownFigures(t, data), resub)
	if code, stdout, stderr := runCmd(t, "ingest", "--data", data, resub); code != exitOK {
		t.Fatalf("ingest resubmission exit %d\n%s\n%s", code, stdout, stderr)
	}
	second := publishOK(t, data)
	if second == first {
		t.Fatalf("second release has the first's id %s", first)
	}
	rel = readReleaseJSON(t, data, second)
	if rel.Previous != first || len(rel.Revisions) != 1 || rel.Revisions[0].ProviderID != provider {
		t.Errorf("second release: previous %q (want %q), revisions %+v (want one for %s)", rel.Previous, first, rel.Revisions, provider)
	}
	verifySums(t, filepath.Join(data, "releases", second))
	obs := publishtest.ReadData(t, filepath.Join(data, "current", "data", "observations.csv.gz"))
	if n := strings.Count(string(obs), ",[r],"); n != 1 {
		t.Errorf("observations.csv.gz has %d rows marked [r], want 1", n)
	}
}

func TestPublishErrors(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	os.MkdirAll(empty, 0o755)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no data folder", []string{"publish", "--data", filepath.Join(dir, "nope")}, "no data folder at"},
		{"no submissions", []string{"publish", "--data", empty},
			"no accepted submissions in " + filepath.Join(empty, "submissions") + "; ingest returns first"},
		{"argument", []string{"publish", "--data", empty, "extra"}, `unexpected argument "extra"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCmd(t, tc.args...)
			if code != exitUsage || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d stderr %q; want %d and %q", code, stderr, exitUsage, tc.want)
			}
		})
	}
	if _, err := os.Lstat(filepath.Join(empty, "current")); err == nil {
		t.Error("a failed publish made a current link")
	}
}

// TestPublishMemoryLimit checks that --memory-limit reaches DuckDB: a
// size it cannot parse is refused before anything is read; 1MB is too
// little for the build, which stops with advice that names the flag and
// leaves no live release; 512MB is enough.
func TestPublishMemoryLimit(t *testing.T) {
	_, data := ingestedSample(t, "1000", "5")
	if code, _, stderr := runCmd(t, "publish", "--data", data, "--no-site", "--memory-limit", "lots"); code != exitUsage ||
		!strings.Contains(stderr, `--memory-limit "lots" is not a size`) {
		t.Errorf("--memory-limit lots: exit %d, stderr %q; want %d naming the flag", code, stderr, exitUsage)
	}
	code, _, stderr := runCmd(t, "publish", "--data", data, "--no-site", "--memory-limit", "1MB")
	if code == exitOK || !strings.Contains(stderr, "DuckDB ran out of the memory it may use (1MB); give it more with --memory-limit") {
		t.Errorf("--memory-limit 1MB: exit %d, stderr %q; want a failure naming the flag", code, stderr)
	}
	if _, err := os.Lstat(filepath.Join(data, "current")); err == nil {
		t.Error("a publish that ran out of memory made a current link")
	}
	if code, stdout, stderr := runCmd(t, "publish", "--data", data, "--no-site", "--memory-limit", "512MB"); code != exitOK || strings.TrimSpace(stdout) == "" {
		t.Errorf("--memory-limit 512MB: exit %d, stdout %q, stderr %q; want a release", code, stdout, stderr)
	}
}

// TestPublishRechecksCatalogue: after a return is ingested and published,
// the data folder's catalogue.yaml changes a metric so that the stored
// figures no longer fit it; publish refuses, naming the council, the
// figures and the fix, and leaves the live release as it was; with the
// catalogue put back, publish succeeds.
func TestPublishRechecksCatalogue(t *testing.T) {
	const onTime = `metrics:
  - id: hc-visits-on-time
    title: Home care visits on time
    services: [homecare]
    kind: %s
    unit: %s
    multiplier: %s
    polarity: higher_is_better
    min: 0
    max: %s
`
	const ret = "council_code,provider_id,provider_name,provider_sector,service,metric,period,numerator,denominator,value,note\n" +
		"E08000009,1-101234567,Acme Care Ltd,private,homecare,hc-visits-on-time,2024-25-Q1,950,1000,95,\n" +
		"E08000009,1-102345678,Brightwater Ltd,private,homecare,hc-visits-on-time,2024-25-Q1,850,1000,,\n" +
		"E08000009,1-102345678,Brightwater Ltd,private,homecare,hc-missed-visits,2024-25-Q1,3,1200,2.5,\n" +
		"E08000010,1-101234567,Acme Care Ltd,private,homecare,hc-visits-on-time,2024-25-Q1,880,1000,88,\n"
	tests := []struct {
		name      string
		catalogue string
		want      []string
	}{
		{name: "max lowered",
			catalogue: fmt.Sprintf(onTime, "proportion", "percent", "100", "90"),
			want: []string{
				"yardstick publish: refused: 1 current figure from 1 council no longer fits the metric catalogue in force",
				"  Trafford (E08000009), 2024-25-Q1, homecare, hc-visits-on-time: 1 row (out_of_range): " +
					"value 95 is outside the range of hc-visits-on-time (0 to 90) (the row: line 2 of submission ",
				"      fix: Trafford (E08000009) sends its return for 2024-25-Q1, homecare again, with every row " +
					"(a return replaces the earlier one as a whole), or put the catalogue's definition of hc-visits-on-time back as it was\n",
			}},
		{name: "proportion to rate",
			catalogue: fmt.Sprintf(onTime, "rate", "per_1000", "1000", "1000"),
			want: []string{
				"yardstick publish: refused: 3 current figures from 2 councils no longer fit the metric catalogue in force",
				"  Trafford (E08000009), 2024-25-Q1, homecare, hc-visits-on-time: 2 rows (value_mismatch): " +
					"value 95 but numerator/denominator give 950 (950 / 1000 x 1000, the multiplier of a rate in per_1000) (first: line 2 of submission ",
				"  Wigan (E08000010), 2024-25-Q1, homecare, hc-visits-on-time: 1 row (value_mismatch): ",
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			data := filepath.Join(dir, "data")
			file := filepath.Join(dir, "return.csv")
			if err := os.WriteFile(file, []byte(ret), 0o644); err != nil {
				t.Fatal(err)
			}
			if code, stdout, stderr := runCmd(t, "ingest", "--data", data, file); code != exitOK {
				t.Fatalf("ingest exit %d\n%s\n%s", code, stdout, stderr)
			}
			live := publishOK(t, data)

			catalogue := filepath.Join(data, "catalogue.yaml")
			if err := os.WriteFile(catalogue, []byte(tc.catalogue), 0o644); err != nil {
				t.Fatal(err)
			}
			code, _, stderr := runCmd(t, "publish", "--data", data)
			if code != exitStatus(schemas.Errorf(schemas.ECONFLICT, "")) || code == exitOK {
				t.Errorf("publish exit %d, want %d", code, exitStatus(schemas.Errorf(schemas.ECONFLICT, "")))
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("publish's report lacks %q:\n%s", w, stderr)
				}
			}
			if target, err := os.Readlink(filepath.Join(data, "current")); err != nil || target != "releases/"+live {
				t.Errorf("current -> %s (%v) after a refused publish, want releases/%s", target, err, live)
			}
			if releases, _ := os.ReadDir(filepath.Join(data, "releases")); len(releases) != 1 {
				t.Errorf("%d releases after a refused publish, want 1", len(releases))
			}

			if err := os.Remove(catalogue); err != nil {
				t.Fatal(err)
			}
			if again := publishOK(t, data); again == live {
				t.Errorf("publish with the catalogue put back made no new release")
			}
		})
	}
}

// TestDemoPublishesAndServes drives the README's main command end to end:
// sample returns, ingest, publish, then serving the release on loopback,
// where a page, an API call and a ranged read of a Parquet file answer, and
// stopping cleanly when the context ends, as on Ctrl-C.
func TestDemoPublishesAndServes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &lines{seen: make(chan string, 100)}
	var errOut syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"demo", "--data", dir, "--rows", "2000", "--addr", "127.0.0.1:0"}, out, &errOut)
	}()
	var base string
	for base == "" {
		select {
		case line := <-out.seen:
			if _, after, ok := strings.Cut(line, "the release in a browser:"); ok {
				base = strings.TrimSuffix(strings.TrimSpace(after), "/")
			}
		case code := <-done:
			t.Fatalf("demo ended with %d before serving\n%s\n%s", code, out.String(), errOut.String())
		case <-time.After(5 * time.Minute):
			t.Fatalf("demo did not serve in 5 minutes\n%s", out.String())
		}
	}
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("demo serves at %q, not on loopback", base)
	}
	id, err := os.Readlink(filepath.Join(dir, "current"))
	if err != nil {
		t.Fatal(err)
	}
	id = strings.TrimPrefix(id, "releases/")
	if want := "release " + id + " at " + filepath.Join(dir, "releases", id); !strings.Contains(out.String(), want) {
		t.Errorf("demo output lacks %q:\n%s", want, out.String())
	}
	checkNoFloatNoise(t, filepath.Join(dir, "releases", id))

	get := func(path string, header ...string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	if resp, body := get("/"); resp.StatusCode != 200 || !strings.Contains(body, id) {
		t.Errorf("GET / = %d, body without the release id:\n%.300s", resp.StatusCode, body)
	}
	resp, body := get("/api/v1/comparisons?sort=-value&page_size=5")
	var page struct {
		Items []map[string]any `json:"items"`
		Total int              `json:"total"`
	}
	if err := json.Unmarshal([]byte(body), &page); resp.StatusCode != 200 || err != nil || len(page.Items) != 5 || page.Total < 5 {
		t.Errorf("GET comparisons = %d, %d items of %d (%v):\n%.300s", resp.StatusCode, len(page.Items), page.Total, err, body)
	}
	if resp.Header.Get("X-Release") != id {
		t.Errorf("comparisons answered from release %q, want %q", resp.Header.Get("X-Release"), id)
	}
	if resp, body := get("/data/comparisons.parquet", "Range", "bytes=0-3"); resp.StatusCode != http.StatusPartialContent || body != "PAR1" {
		t.Errorf("ranged GET of the Parquet file = %d %q, want 206 \"PAR1\"", resp.StatusCode, body)
	}
	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("demo exit %d after stopping\n%s", code, errOut.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("demo did not stop within 30 s of its context ending")
	}
}

// lines is a stdout that hands each complete line to seen as it is
// written, so a test can act on a command's output while it runs.
type lines struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	part string
	seen chan string
}

func (l *lines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	l.part += string(p)
	for {
		line, rest, ok := strings.Cut(l.part, "\n")
		if !ok {
			break
		}
		l.part = rest
		select {
		case l.seen <- line:
		default:
		}
	}
	return len(p), nil
}

func (l *lines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// checkNoFloatNoise fails on any cell of a release's CSV files that reads
// as a number of 16 or more significant digits, the mark of binary
// floating point showing through (94.69999999999999 for 947 of 1000): a
// figure as given has the digits the council wrote, and a computed one
// six (schemas.Computed, the sig6 macro). It counts the numbers it read,
// so that a release with none cannot pass.
func checkNoFloatNoise(t *testing.T, dir string) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "data", "*.csv"))
	numbers, noisy := 0, 0
	for _, file := range files {
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for _, rec := range recs[1:] {
			for i, cell := range rec {
				if _, err := strconv.ParseFloat(cell, 64); err != nil || !strings.Contains(cell, ".") {
					continue
				}
				numbers++
				digits := strings.TrimLeft(strings.NewReplacer("-", "", ".", "").Replace(strings.SplitN(cell, "e", 2)[0]), "0")
				if len(digits) >= 16 {
					if noisy++; noisy <= 5 {
						t.Errorf("%s: %s is %s", filepath.Base(file), recs[0][i], cell)
					}
				}
			}
		}
	}
	if numbers == 0 {
		t.Fatal("the release's CSV files hold no decimal numbers: nothing was checked")
	}
	if noisy > 0 {
		t.Errorf("%d of %d decimal cells show float noise", noisy, numbers)
	}
}

// publishOK runs publish and returns the release id: all it prints on
// stdout, its progress going to stderr.
func publishOK(t *testing.T, data string) string {
	t.Helper()
	code, stdout, stderr := runCmd(t, "publish", "--data", data)
	if code != exitOK {
		t.Fatalf("publish exit %d\n%s\n%s", code, stdout, stderr)
	}
	id := strings.TrimSuffix(stdout, "\n")
	if strings.Contains(id, "\n") || !strings.Contains(stderr, "is live") {
		t.Errorf("publish printed %q on stdout, want the release id alone; progress on stderr:\n%s", stdout, stderr)
	}
	target, err := os.Readlink(filepath.Join(data, "current"))
	if err != nil {
		t.Fatal(err)
	}
	if target != "releases/"+id {
		t.Errorf("current -> %s, want releases/%s (publish printed:\n%s)", target, id, stdout)
	}
	return id
}

type releaseJSON struct {
	Previous  string `json:"previous"`
	Revisions []struct {
		ProviderID string `json:"provider_id"`
	} `json:"revisions"`
	Counts struct {
		Observations int `json:"observations"`
		Submissions  int `json:"submissions"`
	} `json:"counts"`
}

func readReleaseJSON(t *testing.T, data, id string) releaseJSON {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(data, "releases", id, "release.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r releaseJSON
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// verifySums checks every line of a release's SHA256SUMS.
func verifySums(t *testing.T, dir string) {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		hash, name, _ := strings.Cut(sc.Text(), "  ")
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != hash {
			t.Errorf("%s does not match SHA256SUMS", name)
		}
		n++
	}
	if n < 11 {
		t.Errorf("SHA256SUMS lists %d files", n)
	}
}

// shownFigures returns the observations the live release publishes a
// figure for, as council|provider|metric|period.
func shownFigures(t *testing.T, data string) map[string]bool {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(publishtest.ReadData(t, filepath.Join(data, "current", "data", "observations.csv.gz")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := func(name string) int { return slices.Index(recs[0], name) }
	council, provider, metric, period, status := col("council_code"), col("provider_id"), col("metric"), col("period"), col("status")
	shown := map[string]bool{}
	for _, r := range recs[1:] {
		if r[status] == "" {
			shown[strings.Join([]string{r[council], r[provider], r[metric], r[period]}, "|")] = true
		}
	}
	return shown
}

// changeFigure writes to dst a copy of the first return among files that
// has a published figure with counts large enough for no disclosure rule
// to hide, with that figure's numerator halved and its value left blank
// for ingest to derive. It returns the provider of the changed row.
func changeFigure(t *testing.T, files []string, shown map[string]bool, dst string) string {
	t.Helper()
	for _, src := range files {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(strings.NewReader(string(b))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		// Sample returns spell their headers in the ways councils do.
		col := func(name string) int {
			i := slices.IndexFunc(recs[0], func(h string) bool {
				c, _, ok := schemas.CanonicalColumn(h)
				return ok && c == name
			})
			if i < 0 {
				t.Fatalf("%s has no column for %s: %v", src, name, recs[0])
			}
			return i
		}
		council, prov, metric, period := col("council_code"), col("provider_id"), col("metric"), col("period")
		num, den, val := col("numerator"), col("denominator"), col("value")
		for _, r := range recs[1:] {
			n, err1 := strconv.Atoi(r[num])
			d, err2 := strconv.Atoi(r[den])
			key := strings.Join([]string{r[council], r[prov], r[metric], r[period]}, "|")
			if err1 != nil || err2 != nil || d < 100 || r[val] == "" || !shown[key] {
				continue
			}
			half := d / 2
			if half == n {
				half = d / 4
			}
			r[num], r[val] = strconv.Itoa(half), ""
			out, err := os.Create(dst)
			if err != nil {
				t.Fatal(err)
			}
			w := csv.NewWriter(out)
			w.WriteAll(recs)
			if err := out.Close(); err != nil {
				t.Fatal(err)
			}
			return r[prov]
		}
	}
	t.Fatal("no return has a published figure with counts")
	return ""
}

// TestPublishTimings checks that publish --timings writes each SQL
// statement's calls and seconds as CSV. The calls are checked against what the release and
// the log show independently (a Parquet export per Parquet file, a
// comparisons statement per batch), every name against the embedded
// queries, and every time against the command's own wall clock. A publish
// that fails writes the file too, holding the statements that ran; a file
// that cannot be written is refused before the build.
func TestPublishTimings(t *testing.T) {
	dir, data := ingestedSample(t, "1000", "5")
	embedded := embeddedQueries(t)

	timings := filepath.Join(dir, "timings.csv")
	start := time.Now()
	code, stdout, stderr := runCmd(t, "publish", "--data", data, "--no-site", "--timings", timings)
	wall := time.Since(start).Seconds()
	if code != exitOK {
		t.Fatalf("publish exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "statements' times written to "+timings+": ") {
		t.Errorf("publish did not say where the times went:\n%s", stderr)
	}
	calls, seconds := readTimings(t, timings, embedded, wall)
	parquet, err := filepath.Glob(filepath.Join(data, "current", "data", "*.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	// The disclosure history is written by its own statement, history_write.
	exports := len(parquet) - 1
	if exports < 3 || calls["export_parquet"] != exports || calls["history_write"] != 1 {
		t.Errorf("export_parquet ran %d times and history_write %d, for %d Parquet files (%v)",
			calls["export_parquet"], calls["history_write"], len(parquet), parquet)
	}
	batches := max(strings.Count(stderr, " (batch "), 1)
	if calls["comparisons"] != batches || calls["write_release"] != 1 || calls["load_observations"] < 1 {
		t.Errorf("comparisons ran %d times for %d batches, write_release %d, load_observations %d",
			calls["comparisons"], batches, calls["write_release"], calls["load_observations"])
	}
	var total float64
	for _, s := range seconds {
		total += s
	}
	if total <= 0 {
		t.Errorf("the statements took %.3fs in all", total)
	}

	// A publish that runs out of memory still says where its time went.
	failed := filepath.Join(dir, "failed.csv")
	start = time.Now()
	code, _, stderr = runCmd(t, "publish", "--data", data, "--no-site", "--memory-limit", "1MB", "--timings", failed)
	wall = time.Since(start).Seconds()
	if code == exitOK {
		t.Fatalf("publish under 1MB succeeded:\n%s", stderr)
	}
	if !strings.Contains(stderr, "statements' times written to "+failed+": ") {
		t.Errorf("a failed publish did not say where the times went:\n%s", stderr)
	}
	calls, _ = readTimings(t, failed, embedded, wall)
	if len(calls) == 0 || calls["write_release"] != 0 {
		t.Errorf("a failed publish's times: got %v, want the statements that ran and no write_release", calls)
	}

	// A file where none can be written is refused before anything is built.
	blocked := filepath.Join(timings, "under-a-file.csv")
	code, _, stderr = runCmd(t, "publish", "--data", data, "--no-site", "--timings", blocked)
	if code != exitUsage || !strings.Contains(stderr, "--timings "+blocked) || strings.Contains(stderr, "building release") {
		t.Errorf("--timings under a file: got exit %d, stderr %q; want %d naming the flag, before any build", code, stderr, exitUsage)
	}
}

// TestPublishMemoryTrace checks that publish --memory-trace writes where
// the process's memory was as CSV: a sample when the build's database
// opens and one as it closes at least, in time order within the
// command's wall clock, each with the process's resident memory, Go's
// heap no larger than what Go holds, DuckDB's figures read, and any
// statement named one of the embedded queries. A failed publish writes
// the file too; a file that cannot be written is refused before the
// build.
func TestPublishMemoryTrace(t *testing.T) {
	dir, data := ingestedSample(t, "1000", "5")
	embedded := embeddedQueries(t)

	trace := filepath.Join(dir, "memory.csv")
	start := time.Now()
	code, stdout, stderr := runCmd(t, "publish", "--data", data, "--no-site", "--memory-trace", trace)
	wall := time.Since(start).Seconds()
	if code != exitOK {
		t.Fatalf("publish exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "memory trace written to "+trace+": ") || !strings.Contains(stderr, "resident memory highest at ") {
		t.Errorf("publish did not say where the trace went and its peak:\n%s", stderr)
	}
	if n := readMemoryTrace(t, trace, embedded, wall, true); n < 2 {
		t.Errorf("%s: %d samples, want one as the database opened and one as it closed at least", trace, n)
	}
	if runtime.GOOS == "linux" {
		checkCPUSaid(t, stderr, trace)
	}

	// A publish that runs out of memory still writes its trace; DuckDB,
	// out of memory, may not answer what it holds.
	failed := filepath.Join(dir, "failed.csv")
	start = time.Now()
	code, _, stderr = runCmd(t, "publish", "--data", data, "--no-site", "--memory-limit", "1MB", "--memory-trace", failed)
	wall = time.Since(start).Seconds()
	if code == exitOK {
		t.Fatalf("publish under 1MB succeeded:\n%s", stderr)
	}
	if !strings.Contains(stderr, "memory trace written to "+failed+": ") {
		t.Errorf("a failed publish did not say where the trace went:\n%s", stderr)
	}
	if n := readMemoryTrace(t, failed, embedded, wall, false); n < 2 {
		t.Errorf("a failed publish's trace: %d samples, want two at least", n)
	}

	// A file where none can be written is refused before anything is built.
	blocked := filepath.Join(trace, "under-a-file.csv")
	code, _, stderr = runCmd(t, "publish", "--data", data, "--no-site", "--memory-trace", blocked)
	if code != exitUsage || !strings.Contains(stderr, "--memory-trace "+blocked) || strings.Contains(stderr, "building release") {
		t.Errorf("--memory-trace under a file: got exit %d, stderr %q; want %d naming the flag, before any build", code, stderr, exitUsage)
	}
}

// checkCPUSaid checks that publish's line about its memory trace says the
// CPU time of the trace's last sample (user_cpu_seconds plus
// system_cpu_seconds), the seconds it was taken at, the cores that makes
// on average and the kernel's seconds, each as the CSV at path gives it,
// to the tenth of a second the line shows (the cores to the hundredth).
func checkCPUSaid(t *testing.T, stderr, path string) {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(publishtest.ReadData(t, path))).ReadAll()
	if err != nil || len(recs) < 2 {
		t.Fatalf("%s: %d records, %v", path, len(recs), err)
	}
	last := recs[len(recs)-1]
	var at, user, system float64
	for i, f := range map[int]*float64{0: &at, 7: &user, 8: &system} {
		if *f, err = strconv.ParseFloat(last[i], 64); err != nil {
			t.Fatalf("%s: last sample %v: %v", path, last, err)
		}
	}
	var cpu, in, cores, kernel float64
	_, line, _ := strings.Cut(stderr, "memory trace written to ")
	line, _, _ = strings.Cut(line, "\n")
	_, said, ok := strings.Cut(line, "; CPU ")
	if !ok {
		t.Fatalf("publish's memory trace line does not say the CPU used: %q", line)
	}
	if _, err := fmt.Sscanf(said, "%fs in %fs (%f cores), %fs of it in the kernel", &cpu, &in, &cores, &kernel); err != nil {
		t.Fatalf("publish's memory trace line %q: %v", line, err)
	}
	near := func(got, want, within float64) bool { return math.Abs(got-want) <= within }
	if !near(cpu, user+system, 0.06) || !near(in, at, 0.06) || !near(kernel, system, 0.06) || !near(cores, (user+system)/at, 0.011) {
		t.Errorf("publish says CPU %.1fs in %.1fs (%.2f cores), %.1fs in the kernel; its trace's last sample says %.3fs user and %.3fs system at %.3fs",
			cpu, in, cores, kernel, user, system, at)
	}
}

// readMemoryTrace reads publish --memory-trace's CSV at path, checking
// its header and each sample: seconds in order and within the command's
// wall clock, a resident memory on Linux, Go's heap within what Go holds,
// DuckDB's figures read (not -1) when wantDuckDB, and a statement, where
// named, one of the embedded queries. It returns the number of samples.
func readMemoryTrace(t *testing.T, path string, embedded map[string]bool, wall float64, wantDuckDB bool) int {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(publishtest.ReadData(t, path))).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	header := []string{"seconds", "resident_bytes", "go_heap_bytes", "go_held_bytes", "duckdb_bytes", "duckdb_temp_bytes", "statement",
		"user_cpu_seconds", "system_cpu_seconds"}
	if len(recs) == 0 || !slices.Equal(recs[0], header) {
		t.Fatalf("%s: header %v", path, recs[:min(len(recs), 1)])
	}
	last, lastUser, lastSystem := 0.0, 0.0, 0.0
	for _, r := range recs[1:] {
		at, err := strconv.ParseFloat(r[0], 64)
		var n [5]int64
		for i := range n {
			v, verr := strconv.ParseInt(r[i+1], 10, 64)
			err = errors.Join(err, verr)
			n[i] = v
		}
		user, uerr := strconv.ParseFloat(r[7], 64)
		system, serr := strconv.ParseFloat(r[8], 64)
		if err = errors.Join(err, uerr, serr); err != nil {
			t.Fatalf("%s: %v: %v", path, r, err)
		}
		resident, heap, held, duck, temp := n[0], n[1], n[2], n[3], n[4]
		if at < last || at > wall || (runtime.GOOS == "linux" && resident <= 0) || heap <= 0 || heap > held ||
			(wantDuckDB && (duck < 0 || temp < 0)) || (r[6] != "" && !embedded[r[6]]) {
			t.Errorf("%s: got %v; want seconds from %.3f to the command's %.3f, a resident memory, 0 < go_heap <= go_held, "+
				"DuckDB's figures, and an embedded statement or none", path, r, last, wall)
		}
		// The CPU time is the whole process's (this test binary's, with
		// the tests beside it), so only its order is checked here; the
		// duckdb package's TestTraceCPU checks its amount.
		if runtime.GOOS == "linux" && (user < lastUser || system < lastSystem) {
			t.Errorf("%s: got %v; want user and system CPU seconds no less than the sample before's %.3f and %.3f", path, r, lastUser, lastSystem)
		}
		last, lastUser, lastSystem = at, user, system
	}
	return len(recs) - 1
}

// embeddedQueries returns the names of publish's embedded SQL queries, as
// --timings and --memory-trace name statements: each file's name in
// publish/duckdb/queries without ".sql".
func embeddedQueries(t *testing.T) map[string]bool {
	t.Helper()
	queries, err := filepath.Glob(filepath.Join("..", "..", "publish", "duckdb", "queries", "*.sql"))
	if err != nil || len(queries) == 0 {
		t.Fatalf("no embedded queries found: %v", err)
	}
	embedded := map[string]bool{}
	for _, q := range queries {
		embedded[strings.TrimSuffix(filepath.Base(q), ".sql")] = true
	}
	return embedded
}

// readTimings reads publish --timings' CSV at path, checking its header,
// that each statement is one of the embedded queries, ran at least once,
// and took no longer at its longest than in all nor than the command's
// wall clock, and that the rows come longest first. It returns each
// statement's calls and seconds.
func readTimings(t *testing.T, path string, embedded map[string]bool, wall float64) (map[string]int, map[string]float64) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(recs) == 0 || !slices.Equal(recs[0], []string{"statement", "calls", "seconds", "longest_seconds"}) {
		t.Fatalf("%s: header %v", path, recs[:min(len(recs), 1)])
	}
	calls, seconds := map[string]int{}, map[string]float64{}
	// Statements run side by side, so the first's seconds in all may
	// exceed the wall clock; each one's longest may not.
	last := math.Inf(1)
	for _, r := range recs[1:] {
		n, err1 := strconv.Atoi(r[1])
		s, err2 := strconv.ParseFloat(r[2], 64)
		longest, err3 := strconv.ParseFloat(r[3], 64)
		if err := errors.Join(err1, err2, err3); err != nil {
			t.Fatalf("%s: %v: %v", path, r, err)
		}
		if !embedded[r[0]] || n < 1 || longest > s || longest > wall || s > last {
			t.Errorf("%s: got %v; want an embedded query, at least one call, longest <= seconds <= the row before's (%.3fs), longest <= the command's %.3fs",
				path, r, last, wall)
		}
		if _, ok := calls[r[0]]; ok {
			t.Errorf("%s: %s listed twice", path, r[0])
		}
		calls[r[0]], seconds[r[0]], last = n, s, s
	}
	return calls, seconds
}

// ingestedSample writes `yardstick sample --rows rows --seed seed` into a
// new temporary folder and ingests it into a data folder there, which it
// returns with the folder.
func ingestedSample(t *testing.T, rows, seed string) (dir, data string) {
	t.Helper()
	dir = t.TempDir()
	returns, data := filepath.Join(dir, "returns"), filepath.Join(dir, "data")
	if code, _, stderr := runCmd(t, "sample", "--rows", rows, "--seed", seed, returns); code != exitOK {
		t.Fatalf("sample exit %d: %s", code, stderr)
	}
	files, err := filepath.Glob(filepath.Join(returns, "*.csv"))
	if err != nil || len(files) == 0 {
		t.Fatalf("sample wrote no returns: %v", err)
	}
	if code, stdout, stderr := runCmd(t, append([]string{"ingest", "--data", data}, files...)...); code != exitOK {
		t.Fatalf("ingest exit %d\n%s\n%s", code, stdout, stderr)
	}
	return dir, data
}
