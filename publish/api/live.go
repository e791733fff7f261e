package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/yardstick-open/yardstick/publish"
	"github.com/yardstick-open/yardstick/publish/duckdb"
	"github.com/yardstick-open/yardstick/schemas"
)

// release is one open release: its record, its folder and its database.
// Requests hold it (acquire, then done) while they read it, so a release
// that stops being current is closed only once the last request reading it
// has finished.
type release struct {
	rec    *schemas.Release
	reader *duckdb.Reader
	// root is the release folder opened as an os.Root, so no path a
	// request names can leave it, through .. or a link.
	root *os.Root
	// etag is the validator of every response from the release: a release
	// never changes, so its id identifies each of its responses' bytes.
	etag string

	mu     sync.RWMutex
	closed bool
}

// errNoRelease is returned while the data folder has no current release.
var errNoRelease = &schemas.Error{Code: schemas.EUNAVAILABLE, Message: "no release has been published yet: run yardstick publish"}

// openRelease opens release id of the data folder.
func openRelease(ctx context.Context, layout schemas.Layout, id string, opts duckdb.Options) (*release, error) {
	rec, err := publish.ReadRelease(layout, id)
	if err != nil {
		return nil, err
	}
	reader, err := duckdb.OpenRelease(ctx, filepath.Join(rec.Dir, schemas.DatabaseFile), opts)
	if err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(rec.Dir)
	if err != nil {
		reader.Close()
		return nil, fmt.Errorf("open release folder: %w", err)
	}
	return &release{rec: rec, reader: reader, root: root, etag: `"` + rec.ID + `"`}, nil
}

// acquire holds the release for a request; it reports false once the
// release is closed, and the caller then takes the new current release.
func (r *release) acquire() bool {
	// TryRLock fails only while close waits for the lock, which happens
	// only after the release was swapped out: the caller then takes the
	// new one at once rather than wait for the slowest download of the
	// old one.
	if !r.mu.TryRLock() {
		return false
	}
	if r.closed {
		r.mu.RUnlock()
		return false
	}
	return true
}

// done lets the release go after acquire.
func (r *release) done() { r.mu.RUnlock() }

// close waits for the requests holding the release, then closes it.
func (r *release) close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil
	}
	r.closed = true
	return errors.Join(r.reader.Close(), r.root.Close())
}

// releases follows the data folder's current release: it opens a release
// when current names a new one, serves it from then on, and closes the one
// it replaced when the requests reading it are done.
type releases struct {
	layout schemas.Layout
	opts   duckdb.Options
	log    *slog.Logger

	// replaced is called with the id of a release no longer served, so
	// that what was kept for it (the cache's answers) can go.
	replaced func(id string)

	cur      atomic.Pointer[release]
	reloadMu sync.Mutex // one reload at a time
	// closing counts the replaced releases still waiting for their last
	// requests; close waits for them.
	closing sync.WaitGroup
}

// current returns the current release, held for the caller, who must call
// done on it.
func (s *releases) current() (*release, error) {
	for {
		r := s.cur.Load()
		if r == nil {
			return nil, errNoRelease
		}
		if r.acquire() {
			return r, nil
		}
		// Closed after a swap: the new one is already stored.
	}
}

// reload opens the release current names, if it is not the one served,
// and swaps it in. A release that fails to open is logged and skipped: the
// one being served stays.
func (s *releases) reload(ctx context.Context) error {
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	id, err := publish.CurrentRelease(s.layout)
	if errors.Is(err, publish.ErrNoRelease) {
		return nil
	}
	if err != nil {
		return err
	}
	if old := s.cur.Load(); old != nil && old.rec.ID == id {
		return nil
	}
	next, err := openRelease(ctx, s.layout, id, s.opts)
	if err != nil {
		return fmt.Errorf("open release %s: %w", id, err)
	}
	old := s.cur.Swap(next)
	s.log.Info("serving release", "release", id)
	if old != nil && s.replaced != nil {
		s.replaced(old.rec.ID)
	}
	if old != nil {
		// Closing waits for the requests reading the old release; the
		// watcher need not.
		s.closing.Go(func() {
			if err := old.close(); err != nil {
				s.log.Error("close release", "release", old.rec.ID, "err", err)
			}
		})
	}
	return nil
}

// watch reloads every interval until ctx ends. Polling the link is
// portable and cheap (one readlink), and a publish is rare.
func (s *releases) watch(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.reload(ctx); err != nil && ctx.Err() == nil {
				s.log.Error("reload release", "err", err)
			}
		}
	}
}

// close closes the release being served, and waits for the releases it
// replaced to close. It waits for the requests reading them.
func (s *releases) close() error {
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	var err error
	if r := s.cur.Swap(nil); r != nil {
		err = r.close()
	}
	s.closing.Wait()
	return err
}
