package schemas

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestLockFileExcludesGoroutines checks that goroutines locking the same
// path, each through a file of its own, are never inside the lock together.
func TestLockFileExcludesGoroutines(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "locks", "a.lock") // the folder does not exist yet
	const workers, rounds = 8, 5
	var inside, most, entered atomic.Int32
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Go(func() {
			for range rounds {
				unlock, err := LockFile(context.Background(), path)
				if err != nil {
					errs <- err
					return
				}
				n := inside.Add(1)
				for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
				}
				entered.Add(1)
				time.Sleep(time.Millisecond) // give another holder the chance to break in
				inside.Add(-1)
				if err := unlock(); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := most.Load(); got != 1 {
		t.Errorf("at most %d holders at once, want 1", got)
	}
	if got := entered.Load(); got != workers*rounds {
		t.Errorf("lock taken %d times, want %d", got, workers*rounds)
	}
}

// TestTryLockFile checks that TryLockFile says a held lock is busy without
// waiting, and takes it once it is released.
func TestTryLockFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "a.lock")
	unlock, ok, err := TryLockFile(path)
	if err != nil || !ok {
		t.Fatalf("first TryLockFile: ok %v, err %v; want the lock", ok, err)
	}
	if _, ok, err := TryLockFile(path); err != nil || ok {
		t.Errorf("TryLockFile while held: ok %v, err %v; want busy", ok, err)
	}
	if _, err := LockFile(shortContext(t), path); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("LockFile while held: %v, want %v", err, context.DeadlineExceeded)
	}
	if err := unlock(); err != nil {
		t.Fatalf("unlock: %v", err)
	}
	if err := unlock(); err != nil {
		t.Errorf("second unlock: %v, want nil", err)
	}
	again, ok, err := TryLockFile(path)
	if err != nil || !ok {
		t.Fatalf("TryLockFile after unlock: ok %v, err %v; want the lock", ok, err)
	}
	if err := again(); err != nil {
		t.Errorf("unlock: %v", err)
	}
}

// TestLockFileRemovedByHolder checks that a lock whose file was removed
// (as its holder may, under the lock) between another locker opening the
// file and locking it is not taken on the removed file: that lock would
// exclude no one who opens the path afterwards, so two holders would each
// think they had it. Without flock(2) locks are kept by path, and the
// removal changes nothing.
func TestLockFileRemovedByHolder(t *testing.T) {
	if !lockAcrossProcesses {
		t.Skip("locks are kept by path here, not by file")
	}
	path := filepath.Join(t.TempDir(), "a.lock")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	removed := 0
	lockOpened = func(p string) {
		if p == path && removed == 0 {
			removed++
			if err := os.Remove(path); err != nil {
				t.Error(err)
			}
		}
	}
	defer func() { lockOpened = nil }()
	unlock, err := LockFile(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	if removed != 1 {
		t.Fatalf("the lock file was removed %d times, want once", removed)
	}
	if _, ok, err := TryLockFile(path); err != nil || ok {
		t.Errorf("TryLockFile after a lock taken across the removal: ok %v, err %v; want busy", ok, err)
	}
}

// shortContext returns a context that ends in 50 ms.
func shortContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	t.Cleanup(cancel)
	return ctx
}

// TestLockFileStopsWaiting checks that a waiter gives up when its context
// ends, whether that happens while it waits or before it asks.
func TestLockFileStopsWaiting(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		held bool // whether another holder has the lock
		ctx  func() (context.Context, context.CancelFunc)
		want error
	}{
		{
			name: "cancelled while waiting", held: true,
			ctx: func() (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(context.Background())
				time.AfterFunc(50*time.Millisecond, cancel)
				return ctx, cancel
			},
			want: context.Canceled,
		},
		{
			name: "deadline while waiting", held: true,
			ctx: func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), 50*time.Millisecond)
			},
			want: context.DeadlineExceeded,
		},
		{
			name: "cancelled before asking for a free lock", held: false,
			ctx: func() (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(context.Background())
				cancel()
				return ctx, cancel
			},
			want: context.Canceled,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "a.lock")
			if tc.held {
				unlock, err := LockFile(context.Background(), path)
				if err != nil {
					t.Fatal(err)
				}
				defer unlock()
			}
			ctx, cancel := tc.ctx()
			defer cancel()
			start := time.Now()
			unlock, err := LockFile(ctx, path)
			if err == nil {
				unlock()
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("LockFile: %v, want %v", err, tc.want)
			}
			if waited := time.Since(start); waited > 5*time.Second {
				t.Errorf("LockFile waited %v after its context ended", waited)
			}
		})
	}
}

// lockHelperEnv names the lock file a child process of
// TestLockFileAcrossProcesses tries.
const lockHelperEnv = "YARDSTICK_LOCK_HELPER"

// TestLockFileAcrossProcesses checks that a lock held here keeps another
// process out, and that the other process gets it once it is released.
func TestLockFileAcrossProcesses(t *testing.T) {
	if !lockAcrossProcesses {
		t.Skip("locks on this system exclude goroutines only")
	}
	t.Parallel()
	path := filepath.Join(t.TempDir(), "a.lock")
	try := func() string {
		cmd := exec.Command(os.Args[0], "-test.run=^TestLockHelperProcess$")
		cmd.Env = append(os.Environ(), lockHelperEnv+"="+path)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("helper process: %v\n%s", err, out)
		}
		return strings.TrimSpace(string(out))
	}
	unlock, err := LockFile(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if got := try(); got != "busy" {
		t.Errorf("other process while the lock is held: %q, want busy", got)
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	if got := try(); got != "locked" {
		t.Errorf("other process after unlock: %q, want locked", got)
	}
}

// TestLockHelperProcess is the other process of
// TestLockFileAcrossProcesses, not a test of its own: it tries the lock it
// is given and prints what happened.
func TestLockHelperProcess(t *testing.T) {
	path := os.Getenv(lockHelperEnv)
	if path == "" {
		t.Skip("run by TestLockFileAcrossProcesses")
	}
	unlock, ok, err := TryLockFile(path)
	switch {
	case err != nil:
		fmt.Println(err)
		os.Exit(1)
	case ok:
		fmt.Println("locked")
		unlock()
	default:
		fmt.Println("busy")
	}
	os.Exit(0)
}
