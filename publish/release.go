package publish

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
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
	// Log receives one line per step; nil discards them.
	Log io.Writer
	// DuckDB tunes the engine that builds the tables.
	DuckDB duckdb.Options
	// Site writes the release's website; nil leaves it out, for a release
	// of data files only.
	Site *site.Builder
}

// Publish builds a release from the data folder and makes it the live one.
// It returns the release as recorded in its release.json. One publish runs
// at a time in a data folder: a second waits for the first to finish, and
// says so in the log.
func (b *Builder) Publish(ctx context.Context) (*schemas.Release, error) {
	if b.Catalogue == nil {
		return nil, errors.New("publish: no metric catalogue")
	}
	now := time.Now
	if b.Now != nil {
		now = b.Now
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
	created := now().UTC().Truncate(time.Second)
	previous, err := CurrentRelease(b.Layout)
	if err != nil && !errors.Is(err, ErrNoRelease) {
		return nil, fmt.Errorf("publish: previous release: %w", err)
	}
	b.removeStale(created)
	// The scratch folder holds figures from before disclosure control.
	// Holding the lock proves no publish is using it, so what a crash left
	// there goes now, not a day later.
	if err := os.RemoveAll(b.Layout.Scratch()); err != nil {
		return nil, fmt.Errorf("publish: remove scratch folder: %w", err)
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
		}
	}()
	// MkdirTemp makes a private folder; a published one is for everyone.
	if err := os.Chmod(tmp, 0o755); err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	b.logf("building release %s in %s", id, tmp)
	rel := &schemas.Release{ID: id, Created: created, Previous: previous}
	if err := b.build(ctx, tmp, rel); err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	if err := ctx.Err(); err != nil {
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
	if err := swapCurrent(b.Layout, id); err != nil {
		return nil, fmt.Errorf("publish: release %s is built but not live: %w", id, err)
	}
	b.logf("release %s is live", id)
	return rel, nil
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
	if err := b.exportFiles(ctx, dir, dbFile); err != nil {
		return err
	}
	// The data files are final now: datapackage.json describes them as
	// they are, and SHA256SUMS reuses the hashes it made.
	b.logf("writing %s", schemas.PackageFile)
	sums, err := writeDataPackage(dir, rel)
	if err != nil {
		return err
	}
	b.logf("writing %s", schemas.ReleaseFile)
	if err := schemas.WriteJSONAtomic(filepath.Join(dir, schemas.ReleaseFile), rel); err != nil {
		return err
	}
	if b.Site != nil {
		if err := b.buildSite(ctx, dir, dbFile, rel, sums); err != nil {
			return err
		}
	}
	b.logf("writing %s", schemas.ChecksumsFile)
	return writeChecksums(dir, sums)
}

// buildSite writes the release's website into dir, after every data file,
// so its downloads page lists them all, and before SHA256SUMS, which
// covers its pages too. The pages are written in place and made durable
// with one sync (schemas.SyncAll); their sums go into sums, so
// SHA256SUMS does not read them back.
func (b *Builder) buildSite(ctx context.Context, dir, dbFile string, rel *schemas.Release, sums map[string]string) error {
	r, err := duckdb.OpenRelease(ctx, dbFile, duckdb.Options{Threads: b.DuckDB.Threads, MemoryLimit: b.DuckDB.MemoryLimit})
	if err != nil {
		return err
	}
	defer r.Close()
	b.logf("writing the website")
	stats, err := b.Site.Build(ctx, site.Input{Reader: r, Release: rel, Dir: dir, Catalogue: b.Catalogue, Sums: sums})
	if err != nil {
		return err
	}
	paths := make([]string, 0, len(stats.Sums))
	for name, sum := range stats.Sums {
		sums[name] = sum
		paths = append(paths, filepath.Join(dir, filepath.FromSlash(name)))
	}
	if err := schemas.SyncAll(paths); err != nil {
		return fmt.Errorf("site: %w", err)
	}
	b.logf("wrote the website: %d pages (%d files, %.1f MB) in %s, %.0f pages a second; largest page %s, %.0f kB",
		stats.Pages, stats.Files, float64(stats.Bytes)/1e6, stats.Elapsed.Round(time.Millisecond), stats.PagesPerSecond(),
		stats.Largest, float64(stats.LargestBytes)/1024)
	return nil
}

// buildDatabase builds every table in a scratch database, in memory and
// spilling to the data folder's scratch folder, outside releases/, then
// writes the public tables
// to a new yardstick.duckdb at dbFile. The scratch database closes in the
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
	defer func() {
		if err != nil {
			db.Close()
		}
	}()
	in := duckdb.BuildInput{DataDir: b.Layout.Root, Catalogue: b.Catalogue, Councils: b.Councils}
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
	b.logf("writing %s", schemas.DatabaseFile)
	if err := db.WriteRelease(ctx, dbFile); err != nil {
		return nil, err
	}
	// Freeing a scratch database of gigabytes takes a second or more, and
	// nothing after needs it: it closes while the files are written.
	done := make(chan error, 1)
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
// (duckdb.DB.WriteRelease), and read in stored order.
func (b *Builder) exportFiles(ctx context.Context, dir, dbFile string) (err error) {
	db, err := duckdb.Open(ctx, dbFile, duckdb.Options{Threads: b.DuckDB.Threads, MemoryLimit: b.DuckDB.MemoryLimit,
		ReadOnly: true, KeepOrder: true})
	if err != nil {
		return err
	}
	defer func() {
		if cerr := db.Close(); err == nil {
			err = cerr
		}
	}()
	path := func(name string) string { return filepath.Join(dir, filepath.FromSlash(name)) }
	for _, t := range schemas.PublicTables {
		if t.Parquet != "" {
			b.logf("writing %s", t.Parquet)
			if err := db.ExportParquet(ctx, t.Name, path(t.Parquet)); err != nil {
				return err
			}
		}
		if t.CSV != "" {
			b.logf("writing %s", t.CSV)
			if err := db.ExportCSV(ctx, t.Name, path(t.CSV)); err != nil {
				return err
			}
		}
	}
	return nil
}

// staleAfter is how old a build folder must be before a later publish
// takes it for the leftovers of one that crashed and removes it.
const staleAfter = 24 * time.Hour

// removeStale removes build folders left by publishes that crashed.
// Failing to is no reason not to publish, so it only logs.
func (b *Builder) removeStale(now time.Time) {
	entries, err := os.ReadDir(b.Layout.Releases())
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), buildingPrefix) {
			continue
		}
		fi, err := e.Info()
		if err != nil || now.Sub(fi.ModTime()) < staleAfter {
			continue
		}
		path := filepath.Join(b.Layout.Releases(), e.Name())
		if err := os.RemoveAll(path); err != nil {
			b.logf("could not remove %s, left by a publish that stopped: %v", path, err)
		} else {
			b.logf("removed %s, left by a publish that stopped", path)
		}
	}
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
	tmp := filepath.Join(layout.Root, ".current-"+id+".tmp")
	if err := os.Remove(tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("swap current: %w", err)
	}
	if err := os.Symlink(target, tmp); err != nil {
		return fmt.Errorf("swap current: %w", err)
	}
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
// first. Folders still being built are left out.
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
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
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

func (b *Builder) logf(format string, args ...any) {
	if b.Log != nil {
		fmt.Fprintf(b.Log, format+"\n", args...)
	}
}
