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
	"github.com/yardstick-open/yardstick/schemas"
)

// ErrNoSubmissions is returned, wrapped, when the data folder holds no
// accepted submission to publish.
var ErrNoSubmissions = errors.New("no accepted submissions")

// ErrNoRelease is returned, wrapped, when a data folder has no live
// release.
var ErrNoRelease = errors.New("no release")

// IDFormat is the time layout of a release id.
const IDFormat = "2006-01-02T150405Z"

// Names of a release's files, relative to its folder.
const (
	DatabaseFile        = "yardstick.duckdb"
	ReleaseFile         = "release.json"
	PackageFile         = "datapackage.json" // the Frictionless Data Package descriptor
	ChecksumsFile       = "SHA256SUMS"
	ObservationsCSV     = "data/observations.csv"
	ObservationsParquet = "data/observations.parquet"
	ComparisonsCSV      = "data/comparisons.csv"
	ComparisonsParquet  = "data/comparisons.parquet"
	MetricsCSV          = "data/metrics.csv"
	CouncilsCSV         = "data/councils.csv"
	ProvidersCSV        = "data/providers.csv"
	PeerGroupsCSV       = "data/peer-groups.csv"
	SimilarCSV          = "data/similar-councils.csv"
)

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
}

// Release is a release's record, written to its release.json.
type Release struct {
	ID      string    `json:"id"`
	Created time.Time `json:"created"`
	// Previous is the release that was live when this one was built, which
	// revisions are counted against; empty for the first.
	Previous string `json:"previous,omitempty"`
	// Submissions are the accepted submissions with rows in this release;
	// Superseded those whose every row a later submission replaced.
	Submissions []string `json:"submissions"`
	Superseded  []string `json:"superseded"`
	Periods     []string `json:"periods"`
	// SimilarCouncils is the method that chose each council's similar
	// councils (duckdb.NearestNeighboursMethod or duckdb.PeerGroupsMethod).
	SimilarCouncils string     `json:"similar_councils_method,omitempty"`
	Counts          Counts     `json:"counts"`
	Revisions       []Revision `json:"revisions"`

	// Dir is the release's folder.
	Dir string `json:"-"`
}

// Counts are a release's sizes.
type Counts struct {
	Observations int `json:"observations"`
	Comparisons  int `json:"comparisons"`
	Metrics      int `json:"metrics"`
	Councils     int `json:"councils"` // councils with observations
	Providers    int `json:"providers"`
	Periods      int `json:"periods"`
	Submissions  int `json:"submissions"`
	// The rest compare the observations with the previous release's:
	// figures revised, observations added and withdrawn, figures published
	// then and withheld now (c, x or z) and figures withheld then and
	// published now.
	Revised   int `json:"revised"`
	Added     int `json:"added"`
	Withdrawn int `json:"withdrawn"`
	NowHidden int `json:"now_withheld"`
	NowShown  int `json:"now_shown"`
}

// Publish builds a release from the data folder and makes it the live one.
// It returns the release as recorded in its release.json.
func (b *Builder) Publish(ctx context.Context) (*Release, error) {
	if b.Catalogue == nil {
		return nil, errors.New("publish: no metric catalogue")
	}
	now := time.Now
	if b.Now != nil {
		now = b.Now
	}
	created := now().UTC().Truncate(time.Second)
	releases := b.Layout.Releases()
	if err := os.MkdirAll(releases, 0o755); err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	previous, err := CurrentRelease(b.Layout)
	if err != nil && !errors.Is(err, ErrNoRelease) {
		return nil, fmt.Errorf("publish: previous release: %w", err)
	}
	b.removeStale(created)
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
	rel := &Release{ID: id, Created: created, Previous: previous}
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

// build writes every file of the release into dir.
func (b *Builder) build(ctx context.Context, dir string, rel *Release) (err error) {
	db, err := b.buildDatabase(ctx, dir, rel)
	if err != nil {
		return err
	}
	// Closing the database checkpoints yardstick.duckdb and frees the
	// engine's memory, a second or more for a large warehouse. What comes
	// next, up to describing and hashing the files, needs neither, so the
	// database closes meanwhile.
	closed := make(chan error, 1)
	go func() { closed <- db.Close() }()
	waitClosed := sync.OnceValue(func() error { return <-closed })
	defer func() {
		if cerr := waitClosed(); err == nil {
			err = cerr
		}
	}()
	b.logf("writing %s", MetricsCSV)
	if err := writeMetrics(filepath.Join(dir, filepath.FromSlash(MetricsCSV)), b.Catalogue); err != nil {
		return err
	}
	rel.Counts.Metrics = len(b.Catalogue.Metrics)
	if err := b.revise(dir, rel); err != nil {
		return err
	}
	if err := waitClosed(); err != nil {
		return err
	}
	// The data files are final now: datapackage.json describes them as
	// they are, and SHA256SUMS reuses the hashes it made.
	b.logf("writing %s", PackageFile)
	sums, err := writeDataPackage(dir, rel)
	if err != nil {
		return err
	}
	b.logf("writing %s and %s", ReleaseFile, ChecksumsFile)
	if err := schemas.WriteJSONAtomic(filepath.Join(dir, ReleaseFile), rel); err != nil {
		return err
	}
	return writeChecksums(dir, sums)
}

// buildDatabase builds the release's yardstick.duckdb and exports its
// tables. It returns the database still open, for the caller to close
// before the file is read; on an error it closes it.
func (b *Builder) buildDatabase(ctx context.Context, dir string, rel *Release) (_ *duckdb.DB, err error) {
	db, err := duckdb.Open(ctx, filepath.Join(dir, DatabaseFile), b.DuckDB)
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
	b.logf("building tables from %s", b.Layout.Root)
	if err := db.Build(ctx, in); err != nil {
		return nil, err
	}
	if rel.Previous != "" {
		prev := filepath.Join(b.Layout.Release(rel.Previous), filepath.FromSlash(ObservationsParquet))
		if err := db.MarkRevised(ctx, prev); err != nil {
			return nil, fmt.Errorf("previous release %s: %w", rel.Previous, err)
		}
	}
	// Scratch exports, read back in Go and not published, live in a folder
	// removed before the release is checksummed.
	scratch := filepath.Join(dir, ".scratch")
	defer os.RemoveAll(scratch)
	if err := readSubmissions(ctx, db, scratch, rel); err != nil {
		return nil, err
	}
	if len(rel.Submissions) == 0 {
		return nil, fmt.Errorf("%w in %s", ErrNoSubmissions, b.Layout.Submissions())
	}
	b.logf("%d submissions current, %d superseded", len(rel.Submissions), len(rel.Superseded))
	path := func(name string) string { return filepath.Join(dir, filepath.FromSlash(name)) }
	for _, table := range []string{"observations", "comparisons"} {
		b.logf("writing data/%s.parquet and data/%s.csv", table, table)
		if err := db.ExportParquet(ctx, table, path("data/"+table+".parquet")); err != nil {
			return nil, err
		}
		if err := db.ExportCSV(ctx, table, path("data/"+table+".csv")); err != nil {
			return nil, err
		}
	}
	b.logf("writing %s, %s, %s and %s", CouncilsCSV, ProvidersCSV, PeerGroupsCSV, SimilarCSV)
	if err := db.ExportCSV(ctx, "councils", path(CouncilsCSV)); err != nil {
		return nil, err
	}
	if err := db.ExportCSV(ctx, "providers", path(ProvidersCSV)); err != nil {
		return nil, err
	}
	if err := reshapeCSV(path(ProvidersCSV), map[string]string{"provider_sector": "sector"}, "services", "councils"); err != nil {
		return nil, err
	}
	if err := db.ExportCSV(ctx, "similar_councils", path(SimilarCSV)); err != nil {
		return nil, err
	}
	rel.SimilarCouncils = duckdb.NearestNeighboursMethod
	if in.PeerGroupsFile != "" {
		rel.SimilarCouncils = duckdb.PeerGroupsMethod
	}
	if err := db.ExportCSV(ctx, "peer_groups", path(PeerGroupsCSV)); err != nil {
		return nil, err
	}
	return db, nil
}

// readSubmissions fills rel's submission lists from the submissions table.
func readSubmissions(ctx context.Context, db *duckdb.DB, scratch string, rel *Release) error {
	file := filepath.Join(scratch, "submissions.csv")
	if err := db.ExportCSV(ctx, "submissions", file); err != nil {
		return err
	}
	rel.Submissions, rel.Superseded = []string{}, []string{}
	err := eachCSVRow(file, []string{"submission_id", "current_rows"}, func(r []string) error {
		if r[1] != "" && r[1] != "0" {
			rel.Submissions = append(rel.Submissions, r[0])
		} else {
			rel.Superseded = append(rel.Superseded, r[0])
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("read submissions: %w", err)
	}
	sort.Strings(rel.Submissions)
	sort.Strings(rel.Superseded)
	rel.Counts.Submissions = len(rel.Submissions)
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

// freeID returns the id for a release made at t: t in IDFormat, with a
// suffix when a release of that name exists.
func freeID(layout schemas.Layout, t time.Time) (string, error) {
	base := t.UTC().Format(IDFormat)
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
func ReadRelease(layout schemas.Layout, id string) (*Release, error) {
	if id == "" || id != filepath.Base(id) || strings.HasPrefix(id, ".") {
		return nil, fmt.Errorf("%w %q", ErrNoRelease, id)
	}
	dir := layout.Release(id)
	b, err := os.ReadFile(filepath.Join(dir, ReleaseFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w %q", ErrNoRelease, id)
	}
	if err != nil {
		return nil, fmt.Errorf("read release: %w", err)
	}
	var rel Release
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
