package bench

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/yardstick-open/yardstick/data"
	"github.com/yardstick-open/yardstick/ingest"
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
	csvPaths  []string
	bin       string
	sum       sample.Summary
	ingested  string // a data folder with the sample ingested, or ""
	published string // one with a release of it, website and all, or ""
}

// prepare returns the benchmarks' input, one canonical file of -rows sample
// rows (split by council into files of at most about 1 GiB when it is
// larger than the 2 GiB a return may be), and the built yardstick binary,
// making them on first use.
func prepare(b *testing.B) (dir string, csvPaths []string, bin string, sum sample.Summary) {
	b.Helper()
	fixture.mu.Lock()
	defer fixture.mu.Unlock()
	if fixture.bin != "" {
		return fixture.dir, fixture.csvPaths, fixture.bin, fixture.sum
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
	csvPaths, err = splitSample(filepath.Join(dir, "in", sample.OneFileName), ingest.DefaultMaxBytes, 1<<30)
	if err != nil {
		b.Fatal(err)
	}
	fixture.csvPaths, fixture.bin, fixture.sum = csvPaths, bin, sum
	return dir, csvPaths, bin, sum
}

// splitSample returns path alone when it is at most limit bytes. Otherwise
// it writes its rows to files beside it of about part bytes each, every
// one with the header, and removes it: ingest refuses a return larger than
// its limit (ingest.DefaultMaxBytes), and twenty million rows with
// council-wide totals are more. A file ends only where the council code
// (the first column) changes, so each council's rows, and so each of its
// periods and services, are one submission, as a council would send
// them: split within one, the later file would supersede the earlier.
func splitSample(path string, limit, part int64) ([]string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.Size() <= limit {
		return []string{path}, nil
	}
	in, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	r := bufio.NewReaderSize(in, 1<<20)
	header, err := r.ReadBytes('\n')
	if err != nil {
		return nil, fmt.Errorf("%s: header: %w", path, err)
	}
	var (
		paths   []string
		out     *os.File
		w       *bufio.Writer
		written int64
		council []byte
	)
	closePart := func() error {
		if out == nil {
			return nil
		}
		if err := w.Flush(); err != nil {
			return err
		}
		return out.Close()
	}
	for {
		line, err := r.ReadBytes('\n')
		if len(line) > 0 {
			code, _, _ := bytes.Cut(line, []byte(","))
			if out == nil || (written >= part && !bytes.Equal(code, council)) {
				if err := closePart(); err != nil {
					return nil, err
				}
				name := strings.TrimSuffix(path, ".csv") + fmt.Sprintf("-%d.csv", len(paths)+1)
				if out, err = os.Create(name); err != nil {
					return nil, err
				}
				w = bufio.NewWriterSize(out, 1<<20)
				if _, err := w.Write(header); err != nil {
					return nil, err
				}
				paths, written = append(paths, name), int64(len(header))
			}
			council = append(council[:0], code...)
			if _, err := w.Write(line); err != nil {
				return nil, err
			}
			written += int64(len(line))
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if err := closePart(); err != nil {
		return nil, err
	}
	return paths, os.Remove(path)
}

// inputBytes is the size of the sample's files together.
func inputBytes(b *testing.B, paths []string) int64 {
	b.Helper()
	var n int64
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			b.Fatal(err)
		}
		n += fi.Size()
	}
	return n
}

// ingestCommand is the command that ingests the sample's files into
// dataDir with bin.
func ingestCommand(bin, dataDir string, csvPaths []string) *exec.Cmd {
	return exec.Command(bin, append([]string{"ingest", "--data", dataDir}, csvPaths...)...)
}

// ingested returns a data folder holding the sample ingested, ingesting it
// (untimed) unless a benchmark of this run already did.
func ingested(b *testing.B) string {
	b.Helper()
	dir, csvPaths, bin, _ := prepare(b)
	fixture.mu.Lock()
	defer fixture.mu.Unlock()
	if fixture.ingested == "" {
		dataDir := filepath.Join(dir, "data")
		if out, err := ingestCommand(bin, dataDir, csvPaths).CombinedOutput(); err != nil {
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

// TestSplitSample checks the split of a sample too large for one return:
// a file within the limit is kept as it is; a larger one becomes files of
// about the part size, each with the header, ending only where the
// council changes, which together hold every row once in order.
func TestSplitSample(t *testing.T) {
	dir := t.TempDir()
	const header = "council_code,metric,period\n"
	rows := []string{
		"E1,a,2024-25-Q1\n", "E1,a,2024-25-Q2\n", "E1,b,2024-25-Q1\n",
		"E2,a,2024-25-Q1\n",
		"E3,a,2024-25-Q1\n", "E3,b,2024-25-Q1\n",
	}
	path := filepath.Join(dir, "returns.csv")
	if err := os.WriteFile(path, []byte(header+strings.Join(rows, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	kept, err := splitSample(path, 1<<20, 10)
	if err != nil || len(kept) != 1 || kept[0] != path {
		t.Fatalf("within the limit: %q, %v; want the file itself", kept, err)
	}
	// Over a limit of 50 bytes, in parts of 40: the header (27 bytes) and
	// E1's first row (16) pass 40, but the part ends only after E1's last
	// row; E2's row ends the next, E3 fills the last.
	paths, err := splitSample(path, 50, 40)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{rows[0:3], rows[3:4], rows[4:6]}
	if len(paths) != len(want) {
		t.Fatalf("%d files %q, want %d", len(paths), paths, len(want))
	}
	for i, p := range paths {
		got, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if w := header + strings.Join(want[i], ""); string(got) != w {
			t.Errorf("%s = %q, want %q", filepath.Base(p), got, w)
		}
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the split file is still there (%v)", err)
	}
}
