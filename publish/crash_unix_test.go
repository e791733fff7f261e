//go:build unix

package publish

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/publish/duckdb"
	"github.com/yardstick-open/yardstick/publish/publishtest"
	"github.com/yardstick-open/yardstick/schemas"
)

// The environment of a run of TestPublishCrashHelper.
const (
	envCrashData = "YARDSTICK_PUBLISH_CRASH_DATA" // the data folder
	envCrashNow  = "YARDSTICK_PUBLISH_CRASH_NOW"  // the publish's clock, RFC 3339
	envCrashStep = "YARDSTICK_PUBLISH_FAILPOINT"  // the step at which to die, if any
)

// The releases of a crash test: the live one before the crash, the one
// the killed publish builds, and the one the publish after it builds.
var (
	crashFirst  = t0.Format(schemas.ReleaseIDFormat)
	crashSecond = t1.Format(schemas.ReleaseIDFormat)
	crashThird  = t2.Format(schemas.ReleaseIDFormat)
	t2          = t0.Add(2 * time.Hour)
)

// TestPublishCrashHelper is run by the crash tests in a process of its
// own: it publishes the data folder and, at the step named in
// YARDSTICK_PUBLISH_FAILPOINT, kills itself with SIGKILL, as kill -9
// would. After a publish that returns it prints "RELEASE <id>".
func TestPublishCrashHelper(t *testing.T) {
	data := os.Getenv(envCrashData)
	if data == "" {
		t.Skip("run by the crash tests")
	}
	if step := os.Getenv(envCrashStep); step != "" {
		failpoint = func(s string) {
			if s == step {
				syscall.Kill(os.Getpid(), syscall.SIGKILL)
			}
		}
		// The steps of replacing a snapshot of the current rows are
		// publish/duckdb's.
		duckdb.Failpoint = failpoint
	}
	now, err := time.Parse(time.RFC3339, os.Getenv(envCrashNow))
	if err != nil {
		t.Fatal(err)
	}
	rel, err := newBuilder(data, now).Publish(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("RELEASE %s\n", rel.ID)
}

// publishSteps are the failpoints of a publish, in the order it reaches
// them, but for "site-waiting", the website with every page written but
// those that list the data files, which it reaches while the data files
// are written, before or after "exported".
var publishSteps = []string{
	"locked", "current-written", "current-renamed", "scratch-built", "database-written", "history-written", "site-waiting", "exported",
	"release-written", "site-written", "checksums-written", "renamed", "link-made", "swapped",
}

// placedFrom is the first step at which the killed publish's release is in
// place, complete: from there on it is a release.
var placedFrom = slices.Index(publishSteps, "renamed")

// TestPublishCrashConsistency kills a publish (SIGKILL) at every step, in
// a data folder whose live release is complete, and checks what issue 12
// asks: current still names a complete release whose SHA256SUMS verify
// (the old one until the killed release is in place, then the old or the
// new one), no half-built folder is listed as a release, the publish lock
// is free, and the next publish succeeds, leaves nothing of the dead one
// behind and counts its revisions against the release before it, the one
// the dead publish put in place if it got that far.
func TestPublishCrashConsistency(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the test binary two dozen times")
	}
	t.Parallel()
	seed := crashDataFolder(t)
	// The release a publish that is not killed makes from seed at t2, as
	// the publish after a crash does when the crash left no release in
	// place.
	reference := copyDataFolder(t, seed)
	if id := crashPublish(t, reference, "", t2, false); id != crashThird {
		t.Fatalf("the reference publish made release %s, want %s", id, crashThird)
	}
	for _, step := range append(slices.Clone(publishSteps), "swap-finished") {
		t.Run(step, func(t *testing.T) {
			t.Parallel()
			root := copyDataFolder(t, seed)
			placed := step == "swap-finished" || slices.Index(publishSteps, step) >= placedFrom
			if step == "swap-finished" {
				// A crash while recovering from a crash: the first leaves
				// the release in place but not live, the second dies once
				// it has made it live.
				crashPublish(t, root, "link-made", t1, true)
				crashPublish(t, root, step, t2, true)
			} else {
				crashPublish(t, root, step, t1, true)
			}
			wantCurrent := []string{crashFirst}
			wantReleases := []string{crashFirst}
			if placed {
				wantReleases = append(wantReleases, crashSecond)
			}
			switch step {
			case "swapped", "swap-finished":
				wantCurrent = []string{crashSecond}
			case "renamed", "link-made":
				wantCurrent = []string{crashFirst, crashSecond}
			}
			checkCrashed(t, root, wantCurrent, wantReleases)
			// A release not in place is private to publish: Build writes
			// the comparisons into it before its disclosure check has
			// passed them.
			building, _ := filepath.Glob(filepath.Join(schemas.Layout{Root: root}.Releases(), buildingPrefix+"*"))
			if i := slices.Index(publishSteps, step); i >= slices.Index(publishSteps, "scratch-built") && i < placedFrom && len(building) == 0 {
				t.Errorf("after a crash at %s no %s* folder is left to check", step, buildingPrefix)
			}
			for _, d := range building {
				if info, err := os.Stat(d); err != nil {
					t.Error(err)
				} else if info.Mode().Perm() != 0o700 {
					t.Errorf("after a crash at %s, %s is %v, want it private (0700)", step, filepath.Base(d), info.Mode())
				}
			}
			if left, _ := filepath.Glob(duckdb.CurrentTempGlob(schemas.Layout{Root: root})); (step == "current-written") != (len(left) > 0) {
				t.Errorf("after a crash at %s the temporary snapshots are %v", step, left)
			}

			if id := crashPublish(t, root, "", t2, false); id != crashThird {
				t.Fatalf("the publish after the crash made release %s, want %s", id, crashThird)
			}
			previous := crashFirst
			if placed {
				previous = crashSecond
			}
			checkRecovered(t, root, append(wantReleases, crashThird), previous)
			if !placed {
				checkSameData(t, schemas.Layout{Root: reference}, schemas.Layout{Root: root}, crashThird)
			}
		})
	}
}

// checkSameData checks that release id holds the same data files, byte
// for byte, in the data folders want and got: a crash, and the recovery
// after it, changed nothing the release publishes.
func checkSameData(t *testing.T, want, got schemas.Layout, id string) {
	t.Helper()
	sums := func(l schemas.Layout) map[string]string {
		out := map[string]string{}
		for line := range strings.Lines(string(publishtest.ReadData(t, filepath.Join(l.Release(id), schemas.ChecksumsFile)))) {
			hash, name, _ := strings.Cut(strings.TrimSpace(line), "  ")
			if strings.HasPrefix(name, "data/") {
				out[name] = hash
			}
		}
		return out
	}
	w, g := sums(want), sums(got)
	if len(w) == 0 {
		t.Fatalf("release %s lists no data files", id)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("release %s's data files after the crash:\n got %v\nwant %v", id, g, w)
	}
}

// TestPublishCrashAnyMoment kills a publish with SIGKILL after delays
// spread over its run, wherever it happens to be, and checks the same
// things as TestPublishCrashConsistency after each. The delays are
// fractions of the time a publish that is not killed takes here, measured
// first, so that they cover the run however loaded the machine.
func TestPublishCrashAnyMoment(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the test binary two dozen times")
	}
	t.Parallel()
	seed := crashDataFolder(t)
	start := time.Now()
	crashPublish(t, copyDataFolder(t, seed), "", t1, false)
	whole := time.Since(start)
	for i := range 10 {
		delay := whole * time.Duration(i) / 9
		t.Run(fmt.Sprintf("%d-of-9", i), func(t *testing.T) {
			t.Parallel()
			root := copyDataFolder(t, seed)
			cmd := crashCommand(root, "", t1)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(delay)
			cmd.Process.Kill() // SIGKILL; it may have finished already
			cmd.Wait()
			ids, err := Releases(schemas.Layout{Root: root})
			if err != nil {
				t.Fatal(err)
			}
			placed := slices.Contains(ids, crashSecond)
			current, _ := CurrentRelease(schemas.Layout{Root: root})
			t.Logf("killed after %v of %v: releases %v, current %s", delay.Round(time.Millisecond), whole.Round(time.Millisecond), ids, current)
			wantReleases := []string{crashFirst}
			if placed {
				wantReleases = append(wantReleases, crashSecond)
			}
			checkCrashed(t, root, []string{crashFirst, crashSecond}, wantReleases)
			if id := crashPublish(t, root, "", t2, false); id != crashThird {
				t.Fatalf("the publish after the crash made release %s, want %s", id, crashThird)
			}
			previous := crashFirst
			if placed {
				previous = crashSecond
			}
			checkRecovered(t, root, append(wantReleases, crashThird), previous)
		})
	}
}

// crashDataFolder returns a data folder whose live release, crashFirst,
// holds baseSubs, with a Trafford resubmission since that revises one
// figure, for the next publish to release.
func crashDataFolder(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	addSubmissions(t, root, baseSubs()...)
	rel, err := newBuilder(root, t0).Publish(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rel.ID != crashFirst {
		t.Fatalf("first release %s, want %s", rel.ID, crashFirst)
	}
	addSubmissions(t, root, sub{ID: "20250201T000000Z-cccc", Council: trafford,
		Received: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC), Rows: []obs{
			homecare(trafford, "1-101234567", 85, 100),
			homecare(trafford, "1-102345678", 45, 50),
			homecare(trafford, "", 125, 150),
		}})
	return root
}

// copyDataFolder copies the data folder seed, its links as links, into a
// new folder and returns it.
func copyDataFolder(t *testing.T, seed string) string {
	t.Helper()
	root := t.TempDir()
	err := filepath.WalkDir(seed, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(seed, path)
		if err != nil {
			return err
		}
		dst := filepath.Join(root, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			return os.MkdirAll(dst, info.Mode().Perm())
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(path)
			if err != nil {
				return err
			}
			return os.Symlink(target, dst)
		default:
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			return os.WriteFile(dst, b, info.Mode().Perm())
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func crashCommand(root, step string, now time.Time) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestPublishCrashHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), envCrashData+"="+root, envCrashStep+"="+step, envCrashNow+"="+now.Format(time.RFC3339))
	return cmd
}

// crashPublish runs TestPublishCrashHelper in the data folder root with
// the clock at now, dying at step. It checks that the helper died by
// SIGKILL without finishing when it should, and otherwise returns the id
// of the release it made.
func crashPublish(t *testing.T, root, step string, now time.Time, die bool) string {
	t.Helper()
	cmd := crashCommand(root, step, now)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	err := cmd.Run()
	id := ""
	for line := range strings.Lines(out.String()) {
		if rest, ok := strings.CutPrefix(line, "RELEASE "); ok {
			id = strings.TrimSpace(rest)
		}
	}
	if !die {
		if err != nil || id == "" {
			t.Fatalf("publish without a failpoint: %v\n%s%s", err, out.String(), stderr.String())
		}
		return id
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("publish meant to die at %s ended with %v\n%s%s", step, err, out.String(), stderr.String())
	}
	if ws, ok := ee.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("publish meant to die at %s: %v (step never reached?)\n%s%s", step, err, out.String(), stderr.String())
	}
	if id != "" {
		t.Fatalf("publish killed at %s finished release %s", step, id)
	}
	return ""
}

// checkCrashed checks a data folder straight after a publish died in it,
// before anything has cleaned up: current names one of the releases
// current, the releases listed are exactly releases, each complete, and
// the publish lock is free.
func checkCrashed(t *testing.T, root string, current, releases []string) {
	t.Helper()
	layout := schemas.Layout{Root: root}
	id, err := CurrentRelease(layout)
	if err != nil {
		t.Fatalf("after the crash: %v", err)
	}
	if !slices.Contains(current, id) {
		t.Errorf("after the crash current names %s, want one of %v", id, current)
	}
	checkReleasesComplete(t, layout, releases)
	unlock, ok, err := schemas.TryLockFile(layout.PublishLock())
	if err != nil || !ok {
		t.Fatalf("after the crash the publish lock is held (%v)", err)
	}
	unlock()
}

// checkRecovered checks a data folder after the publish that followed a
// crash: its release, the last of releases, is live and counted against
// previous, every release is complete, and nothing the dead publish made
// is left: no build folder, temporary link or scratch file.
func checkRecovered(t *testing.T, root string, releases []string, previous string) {
	t.Helper()
	layout := schemas.Layout{Root: root}
	last := releases[len(releases)-1]
	checkCurrent(t, layout, last)
	checkReleasesComplete(t, layout, releases)
	checkNoBuildFolders(t, layout)
	if left, _ := filepath.Glob(duckdb.CurrentTempGlob(layout)); len(left) > 0 {
		t.Errorf("temporary snapshots of the current rows left: %v", left)
	}
	if left, err := os.ReadDir(layout.Scratch()); len(left) > 0 || err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("scratch folder holds %v (%v)", left, err)
	}
	rel, err := ReadRelease(layout, last)
	if err != nil {
		t.Fatal(err)
	}
	if rel.Previous != previous {
		t.Errorf("release %s follows %q, want %q", last, rel.Previous, previous)
	}
	// The figure the resubmission revised, 80/100 in the first release
	// and 85/100 since: a revision only where the previous release is the
	// first.
	want := 0
	if previous == crashFirst {
		want = 1
	}
	if len(rel.Revisions) != want || rel.Counts.Revised != want {
		t.Errorf("release %s after %s: %d revisions (counted %d), want %d", last, previous, len(rel.Revisions), rel.Counts.Revised, want)
	}
}

// checkReleasesComplete checks that Releases lists exactly ids, each with
// a release.json naming it, and SHA256SUMS listing every other file
// with its right hash, as the API's /releases and a mirror read them.
func checkReleasesComplete(t *testing.T, layout schemas.Layout, ids []string) {
	t.Helper()
	got, err := Releases(layout)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, ids) {
		t.Errorf("releases %v, want %v", got, ids)
	}
	for _, id := range got {
		rel, err := ReadRelease(layout, id)
		if err != nil {
			t.Errorf("release %s: %v", id, err)
			continue
		}
		if rel.ID != id {
			t.Errorf("release %s: release.json says %s", id, rel.ID)
		}
		checkSums(t, rel.Dir)
	}
}
