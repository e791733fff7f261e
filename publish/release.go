package publish

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/yardstick-open/yardstick/publish/duckdb"
	"github.com/yardstick-open/yardstick/publish/site"
	"github.com/yardstick-open/yardstick/schemas"
)

// ErrNoSubmissions is returned, wrapped, when the data folder holds no
// accepted submission to publish. Its code is schemas.ENOTFOUND.
var ErrNoSubmissions error = &schemas.Error{Code: schemas.ENOTFOUND, Message: "no accepted submissions"}

// ErrNoRelease is returned, wrapped, when a data folder has no live
// release. Its code is schemas.ENOTFOUND.
var ErrNoRelease error = &schemas.Error{Code: schemas.ENOTFOUND, Message: "no release"}

// buildingPrefix starts the name of a release folder still being built.
const buildingPrefix = ".building-"

// Builder builds releases from a data folder.
type Builder struct {
	Layout    schemas.Layout
	Catalogue *schemas.Catalogue
	// Councils is the register of councils; without it a release has no
	// regions, council types or similar councils.
	Councils *schemas.Councils
	// Now is the clock that names releases; nil means time.Now.
	Now func() time.Time
	// Log receives one line per step; nil discards them. Steps that run
	// side by side (the exports, the website) write it one line at a
	// time, under logMu, so Log need not be safe for concurrent use.
	Log   io.Writer
	logMu sync.Mutex
	// DuckDB tunes the engine that builds the tables.
	DuckDB duckdb.Options
	// Site writes the release's website; nil leaves it out, for a release
	// of data files only.
	Site *site.Builder
}

// Publish builds a release from the data folder and makes it the live one.
// It returns the release as recorded in its release.json. One publish runs
// at a time in a data folder: a second waits for the first to finish, and
// says so in the log. Before it builds, it removes what publishes that
// died left and makes live a release that one of them put in place but
// did not make live (see recover.go).
func (b *Builder) Publish(ctx context.Context) (*schemas.Release, error) {
	if b.Catalogue == nil {
		return nil, errors.New("publish: no metric catalogue")
	}
	now := time.Now
	if b.Now != nil {
		now = b.Now
	}
	// Before anything is made: a release database under this folder
	// could not be written, nor opened to serve it.
	if root, err := filepath.Abs(b.Layout.Root); err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	} else if err := duckdb.CheckPath(root); err != nil {
		return nil, fmt.Errorf("publish: data folder: %w", err)
	}
	releases := b.Layout.Releases()
	if err := os.MkdirAll(releases, 0o755); err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	unlock, err := b.lock(ctx)
	if err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	defer unlock()
	reach("locked")
	// Before anything is read: the release a dead publish put in place
	// may become the previous release here.
	if err := b.recoverLeftovers(); err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	created := now().UTC().Truncate(time.Second)
	previous, err := CurrentRelease(b.Layout)
	if err != nil && !errors.Is(err, ErrNoRelease) {
		return nil, fmt.Errorf("publish: previous release: %w", err)
	}
	id, err := freeID(b.Layout, created)
	if err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	tmp, err := os.MkdirTemp(releases, buildingPrefix)
	if err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	placed := false
	defer func() {
		if !placed {
			os.RemoveAll(tmp)
			os.Remove(b.Layout.AuditRecord(id))
		}
	}()
	b.logf("building release %s in %s", id, tmp)
	rel := &schemas.Release{ID: id, Created: created, Previous: previous}
	if err := b.build(ctx, tmp, rel); err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	// MkdirTemp makes a private folder, and it stays so while the release
	// is built: Build writes the comparisons into yardstick.duckdb before
	// its disclosure check has passed them. A published folder is for
	// everyone.
	if err := os.Chmod(tmp, 0o755); err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	final := b.Layout.Release(id)
	if err := os.Rename(tmp, final); err != nil {
		return nil, fmt.Errorf("publish: move release into place: %w", err)
	}
	placed = true
	rel.Dir = final
	if err := schemas.SyncDir(releases); err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	reach("renamed")
	if err := swapCurrent(b.Layout, id); err != nil {
		return nil, fmt.Errorf("publish: release %s is built but not live: %w", id, err)
	}
	reach("swapped")
	b.logf("release %s is live", id)
	b.pruneAuditRecords(id)
	return rel, nil
}

// pruneAuditRecords removes every record of a disclosure audit but that
// of release id, the newest (schemas.Layout.AuditRecord), and anything
// else in their folder, such as a dead publish's temporary file: the next
// publish starts from the newest release's record alone. What cannot be
// removed is said in the log; it costs only space.
func (b *Builder) pruneAuditRecords(id string) {
	keep := filepath.Base(b.Layout.AuditRecord(id))
	if err := b.removeAuditRecords(func(name string) bool { return name == keep }, nil); err != nil {
		b.logf("%v", err)
	}
}

// lock takes the data folder's publish lock, waiting while another publish
// holds it.
func (b *Builder) lock(ctx context.Context) (func() error, error) {
	path := b.Layout.PublishLock()
	unlock, ok, err := schemas.TryLockFile(path)
	if err != nil {
		return nil, fmt.Errorf("publish lock: %w", err)
	}
	if ok {
		return unlock, nil
	}
	b.logf("another publish of %s is running; waiting for it to finish", b.Layout.Root)
	unlock, err = schemas.LockFile(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("wait for the publish already running in %s: %w", b.Layout.Root, err)
	}
	return unlock, nil
}

// build writes every file of the release into dir.
func (b *Builder) build(ctx context.Context, dir string, rel *schemas.Release) (err error) {
	dbFile := filepath.Join(dir, schemas.DatabaseFile)
	closed, err := b.buildDatabase(ctx, dbFile, rel)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := closed(); err == nil {
			err = cerr
		}
	}()
	if err := b.readRelease(ctx, dbFile, rel); err != nil {
		return err
	}
	if len(rel.Submissions) == 0 {
		return fmt.Errorf("%w in %s", ErrNoSubmissions, b.Layout.Submissions())
	}
	// The website's pages are written while the data files are: the
	// site waits for them only for its downloads page, at the end.
	var site *siteBuild
	if b.Site != nil {
		site = b.startSite(ctx, dir, dbFile, rel)
	}
	sums, err := b.writeData(ctx, dir, dbFile, rel)
	var siteSums map[string][sha256.Size]byte
	if site != nil {
		if err != nil {
			site.ready <- dataResult{err: errors.New("the release's data files were not written")}
		} else {
			site.ready <- dataResult{sums: maps.Clone(sums)}
		}
		var serr error
		if siteSums, serr = site.wait(sums); err == nil {
			err = serr
		}
	}
	if err != nil {
		return err
	}
	reach("site-written")
	b.logf("writing %s", schemas.ChecksumsFile)
	if err := writeChecksums(dir, sums, siteSums); err != nil {
		return err
	}
	reach("checksums-written")
	return nil
}

// writeData writes the data files, datapackage.json and release.json,
// and returns the SHA-256 sums it made, by path.
func (b *Builder) writeData(ctx context.Context, dir, dbFile string, rel *schemas.Release) (map[string]string, error) {
	if err := b.exportFiles(ctx, dir, dbFile, exportThreads(b.DuckDB.Threads)); err != nil {
		return nil, err
	}
	reach("exported")
	// The data files are final now: datapackage.json describes them as
	// they are, and SHA256SUMS reuses the hashes it made.
	b.logf("writing %s", schemas.PackageFile)
	sums, err := writeDataPackage(dir, rel)
	if err != nil {
		return nil, err
	}
	b.logf("writing %s", schemas.ReleaseFile)
	if err := schemas.WriteJSONAtomic(filepath.Join(dir, schemas.ReleaseFile), rel); err != nil {
		return nil, err
	}
	reach("release-written")
	return sums, nil
}

// dataResult is what the website waits for before its downloads page:
// the data files' sums, or why there are none.
type dataResult struct {
	sums map[string]string
	err  error
}

// siteBuild is a website being written in the background.
type siteBuild struct {
	dir   string
	ready chan dataResult
	done  chan struct{}
	stats site.Stats
	err   error
	b     *Builder
}

// startSite starts writing the release's website into dir, beside the
// data files, which publish writes meanwhile: the site waits for them
// (ready) only before its downloads page, which lists them. It is
// written before SHA256SUMS, which covers its pages too.
func (b *Builder) startSite(ctx context.Context, dir, dbFile string, rel *schemas.Release) *siteBuild {
	sb := &siteBuild{dir: dir, ready: make(chan dataResult, 1), done: make(chan struct{}), b: b}
	history := b.history(rel.ID)
	go func() {
		defer close(sb.done)
		file, remove, err := b.siteDatabase(dbFile)
		if err != nil {
			sb.err = err
			return
		}
		defer remove()
		limit, err := b.sharedMemoryLimit()
		if err != nil {
			sb.err = err
			return
		}
		// It spills beside its second name, in the scratch folder,
		// rather than fail a query past its part of the limit.
		r, err := duckdb.OpenRelease(ctx, file, duckdb.Options{Threads: b.DuckDB.Threads, MemoryLimit: limit,
			TempDir: filepath.Join(filepath.Dir(file), "spill")})
		if err != nil {
			sb.err = err
			return
		}
		defer r.Close()
		b.logf("writing the website")
		in := site.Input{Reader: r, Release: rel, Dir: dir, Catalogue: b.Catalogue, History: history,
			DataFiles: func() (map[string]string, error) {
				// Every page but the downloads and home pages and the
				// sitemap is written by now.
				reach("site-waiting")
				d := <-sb.ready
				return d.sums, d.err
			}}
		sb.stats, sb.err = b.Site.Build(ctx, in)
	}()
	return sb
}

// sharedMemoryLimit returns the memory limit of each of the two
// databases a release's website and its data files are written from, side
// by side: half of the one given each, so that DuckDB holds no more than
// that in all (at twenty million rows, the website's reader under the
// whole limit beside the exports' took the process to 5.9 GB under 3GB).
// Without a website the exports have the whole limit; without a limit
// each keeps its default.
func (b *Builder) sharedMemoryLimit() (string, error) {
	if b.Site == nil {
		return b.DuckDB.MemoryLimit, nil
	}
	return duckdb.ShareMemoryLimit(b.DuckDB.MemoryLimit, 2)
}

// siteDatabase returns a second name for the release database, for the
// website's reader, and a function that removes it. DuckDB will not open
// one file twice in a process with different settings, and the data files
// are exported from it, with the exporter's settings, while the site
// reads it: a hard link in the scratch folder is the same file under
// another name, read-only to both, and costs nothing. Where the scratch
// folder is on another file system the database is copied there.
func (b *Builder) siteDatabase(dbFile string) (string, func(), error) {
	dir, err := os.MkdirTemp(b.Layout.Scratch(), "site-")
	if err != nil {
		return "", nil, fmt.Errorf("site database: %w", err)
	}
	remove := func() { os.RemoveAll(dir) }
	file := filepath.Join(dir, schemas.DatabaseFile)
	if err := os.Link(dbFile, file); err != nil {
		if err := copyFile(dbFile, file); err != nil {
			remove()
			return "", nil, fmt.Errorf("site database: %w", err)
		}
	}
	return file, remove, nil
}

// copyFile copies src to dst, a new file.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// wait waits for the website, makes its files (those not among the data
// files, whose sums are in data) durable with one sync (schemas.SyncAll),
// and returns the sums of every file it wrote or its downloads page
// hashed, so SHA256SUMS does not read them back.
func (sb *siteBuild) wait(data map[string]string) (map[string][sha256.Size]byte, error) {
	<-sb.done
	if sb.err != nil {
		return nil, sb.err
	}
	stats := sb.stats
	paths := make([]string, 0, len(stats.Sums))
	for name := range stats.Sums {
		if _, ok := data[name]; !ok {
			paths = append(paths, filepath.Join(sb.dir, filepath.FromSlash(name)))
		}
	}
	if err := schemas.SyncAll(paths); err != nil {
		return nil, fmt.Errorf("site: %w", err)
	}
	sb.b.logf("wrote the website: %d pages (%d files, %.1f MB) in %s, %.0f pages a second (besides %s waiting for the data files); largest page %s, %.0f kB",
		stats.Pages, stats.Files, float64(stats.Bytes)/1e6, stats.Elapsed.Round(time.Millisecond), stats.PagesPerSecond(),
		stats.Waited.Round(time.Millisecond), stats.Largest, float64(stats.LargestBytes)/1024)
	return stats.Sums, nil
}

// history reads the release.json of every release in the data folder
// other than id, for the website's list of releases: what each says of
// itself, without its revisions and withdrawals. A release whose
// release.json cannot be read is left out of the list, and the log says
// so; it is no reason not to publish.
func (b *Builder) history(id string) []schemas.Release {
	ids, err := Releases(b.Layout)
	if err != nil {
		b.logf("the website's list of releases leaves out the earlier ones: %v", err)
		return nil
	}
	var out []schemas.Release
	for _, other := range ids {
		if other == id {
			continue
		}
		f, err := os.Open(filepath.Join(b.Layout.Release(other), schemas.ReleaseFile))
		if err != nil {
			b.logf("the website's list of releases leaves out %s: %v", other, err)
			continue
		}
		// The summary's fields alone: a release's revisions can run to
		// megabytes, and the list needs only their count.
		var r struct {
			ID          string         `json:"id"`
			Created     time.Time      `json:"created"`
			Previous    string         `json:"previous"`
			Submissions []string       `json:"submissions"`
			Superseded  []string       `json:"superseded"`
			Counts      schemas.Counts `json:"counts"`
		}
		err = json.NewDecoder(f).Decode(&r)
		f.Close()
		if err != nil || r.ID != other {
			b.logf("the website's list of releases leaves out %s: its %s does not read as one (%v)", other, schemas.ReleaseFile, err)
			continue
		}
		out = append(out, schemas.Release{ID: r.ID, Created: r.Created, Previous: r.Previous,
			Submissions: r.Submissions, Superseded: r.Superseded, Counts: r.Counts})
	}
	return out
}

// buildDatabase builds every table in a scratch database, in memory and
// spilling to the data folder's scratch folder, outside releases/, but the
// comparisons, which it writes into a new yardstick.duckdb at dbFile as
// they are made, then writes the other public tables there too. The scratch database closes in the
// background; closed waits for it, removes the scratch folder and returns
// the error closing gave.
func (b *Builder) buildDatabase(ctx context.Context, dbFile string, rel *schemas.Release) (closed func() error, err error) {
	if err := os.MkdirAll(b.Layout.Scratch(), 0o700); err != nil {
		return nil, err
	}
	scratch, err := os.MkdirTemp(b.Layout.Scratch(), "publish-")
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(scratch)
		}
	}()
	opts := b.DuckDB
	opts.ReadOnly = false
	opts.TempDir = scratch
	db, err := duckdb.Open(ctx, "", opts)
	if err != nil {
		return nil, err
	}
	// A memory trace (publish --memory-trace) follows this database,
	// where publish holds the most, until it closes.
	stopTrace := db.TraceMemory(ctx)
	defer func() {
		if err != nil {
			stopTrace()
			db.Close()
		}
	}()
	in := duckdb.BuildInput{DataDir: b.Layout.Root, Catalogue: b.Catalogue, Councils: b.Councils, Logf: b.logf,
		Compact: opts.MemoryLimit != "", Release: dbFile}
	if _, err := os.Stat(b.Layout.PeerGroupsFile()); err == nil {
		in.PeerGroupsFile = b.Layout.PeerGroupsFile()
	}
	if rel.Previous != "" {
		in.Previous = filepath.Join(b.Layout.Release(rel.Previous), filepath.FromSlash(schemas.ObservationsParquet))
	}
	b.logf("building tables from %s", b.Layout.Root)
	if err := db.Build(ctx, in); err != nil {
		return nil, err
	}
	if rel.ProviderRegister, err = db.RegisterUsed(ctx); err != nil {
		return nil, err
	}
	reach("scratch-built")
	if err := b.writing(schemas.DatabaseFile, func() error { return db.WriteRelease(ctx, dbFile) }); err != nil {
		return nil, err
	}
	reach("database-written")
	// The history this release carries, so the next publish reads it
	// instead of every earlier release.
	history := filepath.Join(filepath.Dir(dbFile), filepath.FromSlash(schemas.DisclosureHistoryParquet))
	if err := b.writing(schemas.DisclosureHistoryParquet, func() error {
		return db.WriteHistory(ctx, history)
	}); err != nil {
		return nil, err
	}
	reach("history-written")
	// And the record of its audit, outside the release, so that the next
	// publish, reading that history, audits again only the units that
	// changed since. Without it the next publish audits every unit, so a
	// record that cannot be written is said, and the release goes on.
	if err := db.WriteAuditRecord(ctx, b.Layout.AuditRecord(rel.ID), history); err != nil {
		b.logf("%v; the next publish will audit every unit", err)
	}
	// Freeing a scratch database of gigabytes takes a second or more, and
	// nothing after needs it: it closes while the files are written.
	done := make(chan error, 1)
	// The trace ends here, not as the database closes beside the
	// release's reader, whose statements would name its last sample.
	stopTrace()
	go func() {
		err := db.Close()
		os.RemoveAll(scratch)
		done <- err
	}()
	return sync.OnceValue(func() error { return <-done }), nil
}

// readRelease fills rel from the release database, through the reader
// the site and the API use.
func (b *Builder) readRelease(ctx context.Context, dbFile string, rel *schemas.Release) error {
	r, err := duckdb.OpenRelease(ctx, dbFile, duckdb.Options{Threads: b.DuckDB.Threads, MemoryLimit: b.DuckDB.MemoryLimit})
	if err != nil {
		return err
	}
	defer r.Close()
	if rel.Counts, err = r.Counts(ctx); err != nil {
		return err
	}
	subs, err := r.Submissions(ctx)
	if err != nil {
		return err
	}
	rel.Submissions, rel.Superseded = []string{}, []string{}
	for _, s := range subs {
		if s.CurrentRows > 0 {
			rel.Submissions = append(rel.Submissions, s.ID)
		} else {
			rel.Superseded = append(rel.Superseded, s.ID)
		}
	}
	periods, err := r.Periods(ctx)
	if err != nil {
		return err
	}
	rel.Periods = make([]string, len(periods))
	for i, p := range periods {
		rel.Periods[i] = p.Period
	}
	if rel.SimilarCouncils, err = r.SimilarCouncilsMethod(ctx); err != nil {
		return err
	}
	if rel.Revisions, err = r.Revisions(ctx); err != nil {
		return err
	}
	if rel.Withdrawals, err = r.Withdrawals(ctx); err != nil {
		return err
	}
	c := rel.Counts
	b.logf("%d submissions current, %d superseded", len(rel.Submissions), len(rel.Superseded))
	if rel.Previous != "" {
		b.logf("%d observations, %d comparisons; since %s %d revised, %d added, %d withdrawn, %d newly withheld, %d newly shown",
			c.Observations, c.Comparisons, rel.Previous, c.Revised, c.Added, c.Withdrawn, c.NowHidden, c.NowShown)
	} else {
		b.logf("%d observations, %d comparisons; the first release", c.Observations, c.Comparisons)
	}
	return nil
}

// exportFiles writes the download files of every public table that has
// them, from the release database itself, so a file and the database
// cannot disagree. The tables are stored sorted by their primary keys
// (duckdb.DB.WriteRelease), and read in stored order. Two files are
// written at a time: compressing a gzipped CSV file takes one core, which
// DuckDB's export of the next file uses meanwhile. DuckDB runs them with
// threads threads (exportThreads).
func (b *Builder) exportFiles(ctx context.Context, dir, dbFile string, threads int) (err error) {
	limit, err := b.sharedMemoryLimit()
	if err != nil {
		return err
	}
	// What spills goes to the scratch folder, not beside the database in
	// the release being built (DuckDB's default).
	spill, err := os.MkdirTemp(b.Layout.Scratch(), "export-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(spill)
	db, err := duckdb.Open(ctx, dbFile, duckdb.Options{Threads: threads, MemoryLimit: limit,
		ReadOnly: true, KeepOrder: true, TempDir: spill})
	if err != nil {
		return err
	}
	defer func() {
		if cerr := db.Close(); err == nil {
			err = cerr
		}
	}()
	path := func(name string) string { return filepath.Join(dir, filepath.FromSlash(name)) }
	type export struct {
		file  string
		write func(ctx context.Context) error
	}
	var exports []export
	for _, t := range schemas.PublicTables {
		if t.Parquet != "" {
			exports = append(exports, export{t.Parquet, func(ctx context.Context) error {
				return db.ExportParquet(ctx, t.Name, path(t.Parquet))
			}})
		}
		if t.CSV != "" {
			exports = append(exports, export{t.CSV, func(ctx context.Context) error {
				return db.ExportCSV(ctx, t.Name, path(t.CSV))
			}})
		}
	}
	return twoAtATime(ctx, len(exports), func(ctx context.Context, i int) error {
		return b.writing(exports[i].file, func() error { return exports[i].write(ctx) })
	})
}

// exportThreads is the number of threads DuckDB is given for the
// exports when the build has threads (0 for one per core the process may
// use): one fewer, at least one. DuckDB counts the thread that asked for
// a query among its threads, but each of the two exports at a time
// (twoAtATime) brings its own. On two cores that is one thread each: an
// export in stored order (Options.KeepOrder) was slower on two threads
// than on one (the observations' CSV at five million rows 7.2-9.3 s
// against 4.8-5.7 s), and the release's exports took 0.72-0.80 of the
// time at five million rows and 0.67-0.76 at twenty million, in the same
// bytes (BenchmarkExportFiles; BENCHMARKS.md, "The exports on one
// thread each"). It was measured on two cores only.
func exportThreads(threads int) int {
	if threads == 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	return max(1, threads-1)
}

// twoAtATime runs work for 0 to n-1, two at a time, in order of i: the
// release's files are written and hashed on the machine's two cores. The
// first error cancels the context the others run with, no later work
// starts, and it is returned once the work started has ended.
func twoAtATime(ctx context.Context, n int, work func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var wg sync.WaitGroup
	slots := make(chan struct{}, 2)
	for i := range n {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-slots }()
			if err := work(ctx, i); err != nil {
				cancel(err)
			}
		})
	}
	wg.Wait()
	return context.Cause(ctx)
}

// freeID returns the id for a release made at t: t in
// schemas.ReleaseIDFormat, with a
// suffix when a release of that name exists.
func freeID(layout schemas.Layout, t time.Time) (string, error) {
	base := t.UTC().Format(schemas.ReleaseIDFormat)
	for n := 1; n < 100; n++ {
		id := base
		if n > 1 {
			id = fmt.Sprintf("%s-%02d", base, n)
		}
		_, err := os.Lstat(layout.Release(id))
		if errors.Is(err, fs.ErrNotExist) {
			return id, nil
		}
		if err != nil {
			return "", fmt.Errorf("release id: %w", err)
		}
	}
	return "", fmt.Errorf("release id: 99 releases named %s already", base)
}

// swapCurrent points the data folder's current link at release id: a new
// link is made under a temporary name and renamed over current, which
// replaces it in one step.
func swapCurrent(layout schemas.Layout, id string) error {
	target := filepath.Join(filepath.Base(layout.Releases()), id)
	tmp := filepath.Join(layout.Root, tempLinkPrefix+id+tempLinkSuffix)
	if err := schemas.RemoveIfExists(tmp); err != nil {
		return fmt.Errorf("swap current: %w", err)
	}
	if err := os.Symlink(target, tmp); err != nil {
		return fmt.Errorf("swap current: %w", err)
	}
	reach("link-made")
	if err := os.Rename(tmp, layout.Current()); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("swap current: %w", err)
	}
	return schemas.SyncDir(layout.Root)
}

// CurrentRelease returns the id of the live release: the folder in
// releases/ that the data folder's current link names. It returns an error
// wrapping ErrNoRelease when there is no current link.
func CurrentRelease(layout schemas.Layout) (string, error) {
	target, err := os.Readlink(layout.Current())
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("%w in %s", ErrNoRelease, layout.Root)
	}
	if err != nil {
		return "", fmt.Errorf("read current link: %w", err)
	}
	if !filepath.IsAbs(target) {
		target = filepath.Join(layout.Root, target)
	}
	id := filepath.Base(target)
	if filepath.Clean(target) != filepath.Clean(layout.Release(id)) {
		return "", fmt.Errorf("current link points at %s, not a folder in %s", target, layout.Releases())
	}
	if fi, err := os.Stat(target); err != nil {
		return "", fmt.Errorf("current release: %w", err)
	} else if !fi.IsDir() {
		return "", fmt.Errorf("current release %s is not a folder", target)
	}
	return id, nil
}

// Releases returns the ids of the releases in the data folder, oldest
// first. Folders still being built are left out; a release linked into
// releases/ (archived elsewhere and linked back) is listed like any other,
// as disclosure control reads it.
func Releases(layout schemas.Layout) ([]string, error) {
	entries, err := os.ReadDir(layout.Releases())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list releases: %w", err)
	}
	var ids []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if fi, err := os.Stat(layout.Release(e.Name())); err == nil && fi.IsDir() {
			ids = append(ids, e.Name())
		}
	}
	sort.Strings(ids)
	return ids, nil
}

// ReadRelease reads the release.json of release id. It returns an error
// wrapping ErrNoRelease when there is no such release.
func ReadRelease(layout schemas.Layout, id string) (*schemas.Release, error) {
	if id == "" || id != filepath.Base(id) || strings.HasPrefix(id, ".") {
		return nil, fmt.Errorf("%w %q", ErrNoRelease, id)
	}
	dir := layout.Release(id)
	b, err := os.ReadFile(filepath.Join(dir, schemas.ReleaseFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w %q", ErrNoRelease, id)
	}
	if err != nil {
		return nil, fmt.Errorf("read release: %w", err)
	}
	var rel schemas.Release
	if err := json.Unmarshal(b, &rel); err != nil {
		return nil, fmt.Errorf("read release %s: %w", id, err)
	}
	rel.Dir = dir
	return &rel, nil
}

// writing runs write, which writes the release's file name, and logs
// when it starts and, once it has written the file, how long it took: at
// national scale each of the large files takes minutes.
func (b *Builder) writing(name string, write func() error) error {
	b.logf("writing %s", name)
	start := time.Now()
	if err := write(); err != nil {
		return err
	}
	b.logf("wrote %s in %.1fs", name, time.Since(start).Seconds())
	return nil
}

func (b *Builder) logf(format string, args ...any) {
	if b.Log != nil {
		b.logMu.Lock()
		defer b.logMu.Unlock()
		fmt.Fprintf(b.Log, format+"\n", args...)
	}
}
