package api

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/schemas"
)

// pointCurrent points the data folder's current link at release id, as
// publish swaps it.
func pointCurrent(t *testing.T, layout schemas.Layout, id string) {
	t.Helper()
	tmp := filepath.Join(layout.Root, ".current.tmp")
	if err := os.Symlink(filepath.Join("releases", id), tmp); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, layout.Current()); err != nil {
		t.Fatal(err)
	}
}

// TestReload follows the current link by hand: nothing published, a
// release, another one while a request holds the first, and a release
// that does not open.
func TestReload(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := copyFixture(t)
	if err := os.Remove(f.layout.Current()); err != nil {
		t.Fatal(err)
	}
	s, hs := startServer(t, f.layout, Config{})
	current := func() (string, string) {
		t.Helper()
		a := get(t, hs.URL+Prefix+"/releases/current")
		if a.status != http.StatusOK {
			t.Fatalf("/releases/current: status %d", a.status)
		}
		var rel schemas.Release
		a.decode(t, &rel)
		return rel.ID, a.header.Get("X-Release")
	}

	// Nothing published: unavailable, then served once current appears.
	checkProblem(t, get(t, hs.URL+Prefix+"/periods"), http.StatusServiceUnavailable)
	if err := s.Reload(ctx); err != nil || s.Release() != "" {
		t.Fatalf("reload with no current link: %v, serving %q", err, s.Release())
	}
	pointCurrent(t, f.layout, f.second.ID)
	if err := s.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	if id, hdr := current(); id != f.second.ID || hdr != f.second.ID {
		t.Fatalf("serving %s (X-Release %s), want %s", id, hdr, f.second.ID)
	}

	// A request holds the second release while current moves back to the
	// first: new requests read the first, and the second stays open until
	// the request lets it go.
	held, err := s.releases.current()
	if err != nil {
		t.Fatal(err)
	}
	pointCurrent(t, f.layout, f.first.ID)
	if err := s.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	if id, hdr := current(); id != f.first.ID || hdr != f.first.ID {
		t.Errorf("after the swap: serving %s (X-Release %s), want %s", id, hdr, f.first.ID)
	}
	if _, err := held.reader.Periods(ctx); err != nil {
		t.Errorf("the held release was closed under its request: %v", err)
	}
	closed := make(chan struct{})
	go func() {
		s.releases.closing.Wait()
		close(closed)
	}()
	select {
	case <-closed:
		t.Fatal("the replaced release closed while a request held it")
	case <-time.After(100 * time.Millisecond):
	}
	held.done()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("the replaced release was not closed after its last request")
	}
	if held.acquire() {
		held.done()
		t.Error("a closed release can still be acquired")
	}

	// A release that does not open leaves the one being served.
	broken := "2030-01-01T000000Z"
	if err := os.MkdirAll(f.layout.Release(broken), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(f.layout.Release(broken), schemas.ReleaseFile), []byte(`{"id":"`+broken+`"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	pointCurrent(t, f.layout, broken)
	if err := s.Reload(ctx); err == nil {
		t.Error("reload of a release without a database: no error")
	}
	if id, _ := current(); id != f.first.ID {
		t.Errorf("after a failed reload: serving %s, want %s", id, f.first.ID)
	}
}
