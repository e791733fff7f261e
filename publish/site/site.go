package site

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/yardstick-open/yardstick/publish/duckdb"
	"github.com/yardstick-open/yardstick/schemas"
)

// MaxPageBytes is the most an HTML page may hold before compression. A
// page of tables is split long before that, at TablePageBytes; the pages
// that cannot be split, such as the sectors index, must still fit here.
const MaxPageBytes = 200 << 10

// TablePageBytes is the size past which a page of tables (a metric's,
// a provider's or a council's, and the changes) is split across pages,
// each saying where the rest is, down to pages of one row if need be
// (paginate). It is 32 KB, not the 200 KB the website began with,
// because what a long page costs a phone is its tables' style and
// layout, not its bytes: a provider page of 183 KB (6,273 elements) spent
// 1.3-1.9 s of the main thread on style and layout under Lighthouse's
// mobile emulation and scored 74-85 for performance, pages of up to
// 100 KB still scored 85-99, and of 48 KB 90-100, a median of five that
// fell short of 95 under the slowdown calibrated to the host
// (BENCHMARKS.md, "Pages a phone can lay out" and "Lighthouse calibrated
// to the host, and pages split from 32 KB").
const TablePageBytes = 32 << 10

// LongTablePageBytes is the size a page of tables is split from when it
// cannot be split from TablePageBytes, because what the page must show
// around its rows (its head, the sentences of a metric's groups, its list
// of parts) leaves no room in 32 KB. The list of parts no longer grows
// with the table (nearParts), so this is a fallback, not the rule it was
// for tables of thousands of rows. It is the 48 KB that TablePageBytes
// was before; past it, the split is under MaxPageBytes.
const LongTablePageBytes = 48 << 10

// ErrPageTooLarge is returned, wrapped, as a last resort: for a page that
// is over MaxPageBytes even with a single row of its table (or with none,
// listing where the rows are), so splitting further cannot help.
var ErrPageTooLarge = errors.New("page too large")

//go:embed all:templates all:assets
var files embed.FS

// templates are parsed once: one set per page kind, each the layout and
// the partials with the kind's own "main".
var templates = func() map[string]*template.Template {
	kinds := []string{"home", "metric", "provider", "council", "downloads", "notfound", "methodology", "releases", "changes", "api", "sectors"}
	m := make(map[string]*template.Template, len(kinds))
	for _, k := range kinds {
		m[k] = template.Must(template.New(k).Funcs(funcs).ParseFS(files,
			"templates/layout.html", "templates/partials.html", "templates/"+k+".html"))
	}
	return m
}()

// funcs are the helpers the templates format figures with.
var funcs = template.FuncMap{
	"value":      formatValue,
	"count":      formatCount,
	"int":        func(n int) string { return formatInt(int64(n)) },
	"int64":      formatInt,
	"interval":   formatInterval,
	"rank":       formatRank,
	"key":        sortKey,
	"keyInt":     sortKeyInt,
	"band":       bandWords,
	"bandClass":  bandClass,
	"markers":    markers,
	"markerOf":   markerTitle,
	"period":     periodLabel,
	"parts":      partsHTML,
	"links":      linksHTML,
	"markerList": markerList,
	"figure":     formatFigure,
	"level": func(level string) string {
		if level == "council" {
			return "councils (council-wide figures)"
		}
		return "providers"
	},
}

// Builder writes a release's website.
type Builder struct {
	// Workers render pages at once; 0 means one per CPU.
	Workers int
	// BaseURL, when set, is where the release will be served (such as
	// https://example.org/); sitemap.xml needs absolute URLs, so without
	// it the sitemap lists paths relative to the release's root.
	BaseURL string
	// OpenAPI is the JSON API's OpenAPI 3.1 document; when set, api.html
	// documents the API from it.
	OpenAPI []byte
	// PageLimit, when above 0, is the most a page may hold instead of
	// MaxPageBytes, and the size past which a page of tables is split
	// when that is less than TablePageBytes, so that tests can split
	// tables of a few hundred rows.
	PageLimit int
	// QueueRows, when above 0, is how many rows the pages queued and
	// being rendered may hold between them instead of the constant
	// QueueRows, so that a benchmark can weigh the bound against the time
	// it costs.
	QueueRows int
}

// Input is what a site is built from.
type Input struct {
	// Reader reads the release database the site shows.
	Reader  *duckdb.Reader
	Release *schemas.Release
	// Dir is the release folder being built; the site is written into it,
	// beside the data files it lists on its downloads page.
	Dir string
	// Catalogue gives the services' titles; nil shows their ids.
	Catalogue *schemas.Catalogue
	// Sums are the SHA-256 sums already known of files in Dir, by path
	// with forward slashes; the downloads page computes the rest.
	Sums map[string]string
	// DataFiles, when set, waits until the release's data files are all
	// in Dir and returns their known sums, which then replace Sums. Build
	// calls it once every other page is written, before the downloads
	// page, which lists the files: publish writes the data files and the
	// pages at once. An error from it stops the build.
	DataFiles func() (map[string]string, error)
	// History is the releases before this one, from their release.json
	// (revisions and withdrawals not needed), for releases.html.
	History []schemas.Release
}

// Stats say what a build wrote.
type Stats struct {
	// Pages counts the HTML pages; Files every file written, JSON twins,
	// CSV tables and assets included.
	Pages, Files int
	Bytes        int64
	// Largest is the URL of the largest HTML page, and LargestBytes its
	// size.
	Largest      string
	LargestBytes int
	Elapsed      time.Duration
	// Sums are the SHA-256 sums of every file written, and of the files
	// the downloads page hashed, by path with forward slashes, for the
	// release's SHA256SUMS. They are kept as bytes rather than hex: a
	// national release's website has about two million files, and as hex
	// strings their sums would hold about 60 MB more of Go's heap while
	// the website's reader is at its highest (BenchmarkSumsHeld, a map
	// of that many filled both ways, not a publish).
	Sums map[string][sha256.Size]byte
	// Waited is how long the build waited for Input.DataFiles, which
	// Elapsed leaves out.
	Waited time.Duration
}

// PagesPerSecond is the rate pages were written at.
func (s Stats) PagesPerSecond() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Pages) / s.Elapsed.Seconds()
}

// Build writes the website of the release into in.Dir.
func (b *Builder) Build(ctx context.Context, in Input) (Stats, error) {
	start := time.Now()
	workers := b.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	s, err := load(ctx, in)
	if err != nil {
		return Stats{}, fmt.Errorf("site: %w", err)
	}
	s.baseURL = b.BaseURL
	s.openAPI = b.OpenAPI
	out := newOutput(ctx, in.Dir, workers)
	if b.PageLimit > 0 {
		out.limit, out.split = b.PageLimit, min(out.split, b.PageLimit)
	}
	if b.QueueRows > 0 {
		out.queueRows = b.QueueRows
	}
	err = s.build(ctx, out)
	_, werr := out.finish()
	if err == nil {
		err = werr
	}
	var waited time.Duration
	if err == nil {
		// The downloads page lists the data files, which publish may
		// still be writing; every other page is written by now, so the
		// folder holds nothing of the site's in the middle of being
		// written.
		waited, err = s.writeFinal(ctx, out)
	}
	if err != nil {
		return Stats{}, fmt.Errorf("site: %w", err)
	}
	stats := out.stats
	stats.Waited = waited
	stats.Elapsed = time.Since(start) - waited
	return stats, nil
}

// renderer is one worker's reusable buffers.
type renderer struct {
	page, json, svg bytes.Buffer
	csv             []byte
}

// output renders pages on a pool of workers and writes them into the
// release folder. The folder is new and is moved into place as a whole
// once built, so each file is written straight to its name; publish makes
// the files durable with one sync of them all.
type output struct {
	ctx  context.Context
	dir  string
	jobs chan job
	// queueRows is how many comparison rows the jobs queued and running
	// may hold between them before doRows waits: QueueRows, less in
	// tests.
	queueRows int
	// held is how many rows they hold now; free is signalled as a job
	// that held some ends, and on a failure.
	held int
	free *sync.Cond
	// stop stops the watch on ctx that fails the output when it ends.
	stop func() bool
	// limit is the most a page may hold: MaxPageBytes, or
	// Builder.PageLimit.
	limit int
	// split is the size past which a page of tables is split:
	// TablePageBytes, or Builder.PageLimit when that is less.
	split int
	wg    sync.WaitGroup

	mu    sync.Mutex
	err   error
	stats Stats
	dirs  map[string]bool
}

// splits returns the sizes a table is split under, in the order tried:
// o.split, then LongTablePageBytes, then o.limit, each only where it is
// larger than the one before and no larger than o.limit.
func (o *output) splits() []int {
	out := []int{o.split}
	for _, n := range []int{LongTablePageBytes, o.limit} {
		if n > out[len(out)-1] && n <= o.limit {
			out = append(out, n)
		}
	}
	return out
}

// A job is a page or pages to render, and the comparison rows it holds
// until it ends.
type job struct {
	run  func(*renderer) error
	rows int
}

// QueueRows is how many rows the pages queued for rendering and being
// rendered may hold between them: comparison rows, and a provider page's
// profile rows too (264 bytes each, counted as one). A row in a page's hands is a
// RowView of 632 bytes and its strings, and at twenty million rows a
// metric period has tens of thousands: with the queue bounded only by its
// number of jobs, eleven such groups could be held at once (two
// rendering, eight queued, one being read), and one heap profile of the
// metric pages found 277 MB of RowViews and 170 MB of their strings live,
// where two groups are all two workers render at a time. At five million
// rows a metric period's page has about a quarter as many rows, so the
// queue is as deep as it was.
const QueueRows = 100_000

func newOutput(ctx context.Context, dir string, workers int) *output {
	o := &output{ctx: ctx, dir: dir, jobs: make(chan job, workers*4), queueRows: QueueRows, limit: MaxPageBytes, split: TablePageBytes,
		stats: Stats{Sums: map[string][sha256.Size]byte{}}, dirs: map[string]bool{}}
	o.free = sync.NewCond(&o.mu)
	// A producer waiting for rows learns at once that the build was
	// cancelled, not when a page ends.
	o.stop = context.AfterFunc(ctx, func() { o.fail(ctx.Err()) })
	for range workers {
		o.wg.Go(func() {
			var r renderer
			for j := range o.jobs {
				// A job skipped after a failure still gives back its
				// rows, so that a producer waiting for them wakes.
				if !o.failed() {
					if err := j.run(&r); err != nil {
						o.fail(err)
					}
				}
				if j.rows > 0 {
					o.mu.Lock()
					o.held -= j.rows
					o.free.Broadcast()
					o.mu.Unlock()
				}
			}
		})
	}
	return o
}

// do queues a job for a worker; it returns an error once a job has failed
// or the context has ended, so the producer stops reading.
func (o *output) do(run func(*renderer) error) error {
	return o.doRows(0, run)
}

// doRows queues a job that holds rows comparison rows until it ends,
// first waiting while the jobs queued and running hold more than
// o.queueRows with them; a job alone may hold more. It returns an error
// once a job has failed or the context has ended, so the producer stops
// reading.
func (o *output) doRows(rows int, run func(*renderer) error) error {
	if err := o.ctx.Err(); err != nil {
		o.fail(err)
		return err
	}
	o.mu.Lock()
	for rows > 0 && o.held > 0 && o.held+rows > o.queueRows && o.err == nil {
		o.free.Wait()
	}
	err := o.err
	if err == nil {
		o.held += rows
	}
	o.mu.Unlock()
	if err != nil {
		return err
	}
	o.jobs <- job{run: run, rows: rows}
	return nil
}

func (o *output) fail(err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.err == nil {
		o.err = err
	}
	o.free.Broadcast()
}

func (o *output) failed() bool { return o.firstErr() != nil }

func (o *output) firstErr() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.err
}

// finish waits for the queued jobs.
func (o *output) finish() (Stats, error) {
	close(o.jobs)
	o.wg.Wait()
	o.stop()
	return o.stats, o.err
}

// render executes the page template of kind with v into r.page.
func (r *renderer) render(kind string, v any) ([]byte, error) {
	r.page.Reset()
	if err := templates[kind].ExecuteTemplate(&r.page, "layout", v); err != nil {
		return nil, fmt.Errorf("render %s page: %w", kind, err)
	}
	return r.page.Bytes(), nil
}

// writePage writes a rendered page at url and v as its JSON twin. A page
// over the limit is an error.
func (o *output) writePage(r *renderer, url string, html []byte, v any) error {
	if len(html) > o.limit {
		return fmt.Errorf("%w: %s is %d bytes, over %d", ErrPageTooLarge, url, len(html), o.limit)
	}
	if err := o.write(File(url), html, true); err != nil {
		return err
	}
	r.json.Reset()
	// Compact: a national table's twin is megabytes, and it is for
	// programs; indenting would nearly double it.
	enc := json.NewEncoder(&r.json)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode %s: %w", JSONURL(url), err)
	}
	if err := o.write(JSONURL(url), r.json.Bytes(), false); err != nil {
		return err
	}
	o.mu.Lock()
	if len(html) > o.stats.LargestBytes {
		o.stats.Largest, o.stats.LargestBytes = url, len(html)
	}
	o.mu.Unlock()
	return nil
}

// write writes one file of the site, at name relative to the release
// folder.
func (o *output) write(name string, b []byte, page bool) error {
	path := filepath.Join(o.dir, filepath.FromSlash(name))
	if err := o.mkdir(filepath.Dir(path)); err != nil {
		return err
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return err
	}
	o.written(name, sha256.Sum256(b), int64(len(b)), page)
	return nil
}

// written records a file of the site written whole.
func (o *output) written(name string, sum [sha256.Size]byte, size int64, page bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.stats.Sums[name] = sum
	o.stats.Files++
	o.stats.Bytes += size
	if page {
		o.stats.Pages++
	}
}

// mkdir makes the folder dir of a file of the site, and the folders
// above it, each once: a page's folder is new, and making it after its
// parent is one system call, where os.MkdirAll's walk up the path from a
// folder not yet made is several, and the site makes thousands.
func (o *output) mkdir(dir string) error {
	o.mu.Lock()
	made := o.dirs[dir]
	o.mu.Unlock()
	if made {
		return nil
	}
	if parent := filepath.Dir(dir); parent != dir && dir != o.dir {
		if err := o.mkdir(parent); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	o.mu.Lock()
	o.dirs[dir] = true
	o.mu.Unlock()
	return nil
}

// writeAssets copies the embedded stylesheet and script.
func (o *output) writeAssets() error {
	return fs.WalkDir(files, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		return o.write(p, b, false)
	})
}
