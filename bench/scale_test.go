package bench

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/yardstick-open/yardstick/data"
	"github.com/yardstick-open/yardstick/ingest/sample"
	"github.com/yardstick-open/yardstick/schemas"
	"github.com/yardstick-open/yardstick/schemas/config"
)

// rows is the size of the sample the ingest, publish and serve benchmarks
// share: a million rows for `make bench`, any size for `make bench-scale
// ROWS=N`.
var rows = flag.Int("rows", 1_000_000, "rows of the one-file sample that BenchmarkIngest, BenchmarkPublish and BenchmarkServe use")

// memoryLimit is publish's --memory-limit, and the comparison query's
// DuckDB memory_limit, for each publish of the run: at tens of millions
// of rows DuckDB's default (80% of memory) is more than the targets allow,
// so both spill past it to a scratch folder instead.
var memoryLimit = flag.String("memory-limit", "", "DuckDB's memory limit for every publish of the run and for the comparison query (such as 3GB); \"\" leaves DuckDB's default")

// withSite says whether the run publishes the website: at tens of millions
// of rows the website alone is tens of gigabytes and an hour, so `make
// bench-scale SITE=false` measures the rest; the API is then served from
// the release without it.
var withSite = flag.Bool("site", true, "publish the website too (its pages a second and the whole release's size); false serves the API from the release without it")

// publishCommand is the command that publishes dataDir with bin, with the
// website when site is true, under the run's memory limit.
func publishCommand(bin, dataDir string, site bool) *exec.Cmd {
	args := []string{"publish", "--data", dataDir}
	if !site {
		args = append(args, "--no-site")
	}
	if *memoryLimit != "" {
		args = append(args, "--memory-limit", *memoryLimit)
	}
	return exec.Command(bin, args...)
}

// servePublished names a data folder already published, which
// BenchmarkServe then serves instead of publishing the sample: a release
// of tens of millions of rows takes longer to build than the benchmark
// of serving it, and may have been built with a memory limit or from
// returns split by year.
var servePublished = flag.String("published", "", "a published data folder for BenchmarkServe to serve instead of the sample's, with -rows 1 "+
	"(a static file of the same size is added to its current release while the benchmark runs)")

// fixture is what the benchmarks of one run share, made once however many
// of them run: the sample (written by the code of `yardstick sample
// --rows N --one-file --seed 7 --totals`: about half the councils add
// council-wide totals, so disclosure control protects linked cells as it
// must with real returns, and its cost shows), the built binary, and data folders
// holding the sample ingested and then published. At tens of millions of
// rows each of those takes minutes, so `make bench-scale` makes each once.
// It lives in a folder of its own that TestMain removes, since a
// benchmark's TempDir goes when that benchmark ends.
var fixture struct {
	mu        sync.Mutex
	dir       string // removed by TestMain
	csvPath   string
	bin       string
	sum       sample.Summary
	ingested  string // a data folder with the sample ingested, or ""
	published string // one with a release of it, website and all, or ""
}

// prepare returns the benchmarks' input, one canonical file of -rows sample
// rows, and the built yardstick binary, making them on first use.
func prepare(b *testing.B) (dir, csvPath, bin string, sum sample.Summary) {
	b.Helper()
	fixture.mu.Lock()
	defer fixture.mu.Unlock()
	if fixture.bin != "" {
		return fixture.dir, fixture.csvPath, fixture.bin, fixture.sum
	}
	if *rows < 1 {
		b.Fatalf("-rows must be at least 1, not %d", *rows)
	}
	dir, err := os.MkdirTemp("", "yardstick-bench-")
	if err != nil {
		b.Fatal(err)
	}
	fixture.dir = dir
	cat, err := config.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	councils, err := schemas.LoadCouncils(data.Reference())
	if err != nil {
		b.Fatal(err)
	}
	sum, err = sample.Generate(filepath.Join(dir, "in"), cat, councils, sample.Options{Rows: *rows, OneFile: true, Seed: 7, Totals: true})
	if err != nil {
		b.Fatal(err)
	}
	bin = filepath.Join(dir, "yardstick")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/yardstick").CombinedOutput(); err != nil {
		b.Fatalf("build yardstick: %v\n%s", err, out)
	}
	fixture.csvPath, fixture.bin, fixture.sum = filepath.Join(dir, "in", sample.OneFileName), bin, sum
	return dir, fixture.csvPath, bin, sum
}

// ingested returns a data folder holding the sample ingested, ingesting it
// (untimed) unless a benchmark of this run already did.
func ingested(b *testing.B) string {
	b.Helper()
	dir, csvPath, bin, _ := prepare(b)
	fixture.mu.Lock()
	defer fixture.mu.Unlock()
	if fixture.ingested == "" {
		dataDir := filepath.Join(dir, "data")
		if out, err := exec.Command(bin, "ingest", "--data", dataDir, csvPath).CombinedOutput(); err != nil {
			b.Fatalf("ingest: %v\n%s", err, out)
		}
		fixture.ingested = dataDir
	}
	return fixture.ingested
}

// published returns a data folder whose current release (with the
// website unless -site=false) is the sample's, publishing it (untimed)
// unless a benchmark of this run already did.
func published(b *testing.B) string {
	b.Helper()
	if *servePublished != "" {
		prepare(b) // the binary; pass -rows 1 so that its sample is tiny
		return *servePublished
	}
	dataDir := ingested(b)
	fixture.mu.Lock()
	defer fixture.mu.Unlock()
	if fixture.published == "" {
		if out, err := publishCommand(fixture.bin, dataDir, *withSite).CombinedOutput(); err != nil {
			b.Fatalf("publish: %v\n%s", err, out)
		}
		fixture.published = dataDir
	}
	return fixture.published
}

// markPublished records that dataDir's current release is the sample's,
// with the website unless -site=false, so that a later benchmark of the
// run serves it.
func markPublished(dataDir string) {
	fixture.mu.Lock()
	defer fixture.mu.Unlock()
	fixture.published = dataDir
}

// removeFixture removes what prepare made.
func removeFixture() {
	if fixture.dir != "" {
		os.RemoveAll(fixture.dir)
	}
}

// scaleLine is one line of the summary printed when the benchmarks end:
// what was measured, its figure, the peer's, the ratio against its target,
// and peak memory.
type scaleLine struct {
	what, figure, peer, ratio, peak string
}

var summary struct {
	mu    sync.Mutex
	lines []scaleLine
}

// report adds a line to the summary.
func report(l scaleLine) {
	summary.mu.Lock()
	defer summary.mu.Unlock()
	summary.lines = append(summary.lines, l)
}

// printSummary prints the summary of every benchmark that ran, one line
// each, as a Markdown table for BENCHMARKS.md.
func printSummary() {
	summary.mu.Lock()
	defer summary.mu.Unlock()
	if len(summary.lines) == 0 {
		return
	}
	of := fmt.Sprintf("sample of %d rows (-rows)", *rows)
	if *servePublished != "" {
		of = "serving " + *servePublished + " (-published)"
	}
	fmt.Printf("\nsummary, %s, %d cores:\n\n", of, runtime.NumCPU())
	fmt.Println("| measure | Yardstick | peer | ratio (target) | peak memory |")
	fmt.Println("| --- | --- | --- | --- | --- |")
	for _, l := range summary.lines {
		fmt.Printf("| %s |\n", strings.Join([]string{l.what, l.figure, l.peer, l.ratio, l.peak}, " | "))
	}
}
