package publish

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/yardstick-open/yardstick/publish/duckdb"
	"github.com/yardstick-open/yardstick/schemas"
)

// A release is made in steps, and a crash (kill -9, a power cut) can stop
// a publish between any two. Every step before the rename is invisible to
// readers, which see a release only once its folder has a name without a
// leading dot; the steps are:
//
//  1. lock .publish.lock, held until the publish ends;
//  2. build the tables in a scratch database spilling to .scratch/;
//  3. write yardstick.duckdb into releases/.building-<random>/, and the
//     record of the disclosure audit to audit/<id>.parquet, outside
//     releases/ (duckdb.DB.WriteAuditRecord);
//  4. export the data files, datapackage.json and release.json, and
//     write the website beside them;
//  5. write SHA256SUMS, once every file is synced;
//  6. rename the folder to releases/<id>: the release exists, complete;
//  7. make a link to it named .current-<id>.tmp and rename it over
//     current: the release is live.
//
// Step 2 first brings the snapshots of the current rows in
// warehouse/current up to date (publish/duckdb's current.go): each is
// written under a temporary name beside it, synced and renamed over it, so
// a crash leaves the old snapshot or the new one, never half of one, and
// perhaps a temporary file.
//
// A crash before step 6 leaves a dot-folder, scratch files, perhaps a
// temporary snapshot, perhaps a temporary link and perhaps the record of
// an audit (or its temporary file) for a release that does not exist,
// none of which a reader takes for a release, and current names the
// release it named before. A
// snapshot renamed into place before the crash is as good as one the next
// publish would write: it holds the rows the submissions it names give,
// whether or not a release was built from them. A crash between steps 6
// and 7 leaves a complete release that never went live: current still
// names the one before, itself complete. Every publish, once it holds the
// lock, first removes what dead publishes left (recoverLeftovers): the
// lock proves no other publish is using any of it. A release the dead
// publish had put in place but not made live is made live then, so that
// the next release's revisions are counted against it, the release before
// it, as its release.json says.
//
// The lock needs no recovery: it is a flock(2) lock, which the kernel
// lets go when its holder dies, so a dead publish never blocks the next.
// The lock file itself stays: removing it could let two publishes lock two
// different files of that name.

// failpoint, when a test sets it, is called with the name of each step of
// a publish as the step is reached, so that a test can kill the process
// there. It is nil in every program.
var failpoint func(step string)

func reach(step string) {
	if failpoint != nil {
		failpoint(step)
	}
}

// tempLinkPrefix and tempLinkSuffix frame the name of the link swapCurrent
// makes before renaming it over current: .current-<id>.tmp.
const (
	tempLinkPrefix = ".current-"
	tempLinkSuffix = ".tmp"
)

// recoverLeftovers removes what publishes that died left in the data
// folder, and makes live a release one of them put in place but did not
// make live. It must be called with the publish lock held. A build folder
// or link that will not go is only logged: no reader sees either, so it is
// no reason not to publish.
func (b *Builder) recoverLeftovers() error {
	if err := errors.Join(b.removeBuildFolders(), b.removeTempLinks(), b.removeCurrentTemps()); err != nil {
		b.logf("%v", err)
	}
	// The scratch folder holds figures from before disclosure control, so
	// what a crash left there must go now, not at some later clean-up; so
	// do the audit's records of releases that were never put in place,
	// which digest such figures.
	if err := os.RemoveAll(b.Layout.Scratch()); err != nil {
		return fmt.Errorf("remove scratch folder: %w", err)
	}
	if err := b.removeAuditLeftovers(); err != nil {
		return err
	}
	return b.finishSwap()
}

// removeBuildFolders removes every build folder in releases/: only a
// publish holding the lock builds, so each is a dead publish's.
func (b *Builder) removeBuildFolders() error {
	entries, err := os.ReadDir(b.Layout.Releases())
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("list releases: %w", err)
	}
	var errs []error
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), buildingPrefix) {
			continue
		}
		path := filepath.Join(b.Layout.Releases(), e.Name())
		if err := os.RemoveAll(path); err != nil {
			errs = append(errs, fmt.Errorf("remove %s, left by a publish that stopped: %w", path, err))
			continue
		}
		b.logf("removed %s, left by a publish that stopped", path)
	}
	return errors.Join(errs...)
}

// removeTempLinks removes the temporary links of current that dead
// publishes made and did not rename over it.
func (b *Builder) removeTempLinks() error {
	entries, err := os.ReadDir(b.Layout.Root)
	if err != nil {
		return fmt.Errorf("list data folder: %w", err)
	}
	var errs []error
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, tempLinkPrefix) || !strings.HasSuffix(name, tempLinkSuffix) || e.Type()&fs.ModeSymlink == 0 {
			continue
		}
		if err := schemas.RemoveIfExists(filepath.Join(b.Layout.Root, name)); err != nil {
			errs = append(errs, fmt.Errorf("remove link %s, left by a publish that stopped: %w", name, err))
		}
	}
	return errors.Join(errs...)
}

// removeCurrentTemps removes the temporary files of snapshots of the
// current rows that dead publishes wrote and did not rename into place.
// Left alone they would only take space (no reader takes a dot-file for a
// snapshot), but they hold figures from before disclosure control.
func (b *Builder) removeCurrentTemps() error {
	left, err := filepath.Glob(duckdb.CurrentTempGlob(b.Layout))
	if err != nil {
		return fmt.Errorf("list temporary snapshots: %w", err)
	}
	var errs []error
	for _, path := range left {
		if err := schemas.RemoveIfExists(path); err != nil {
			errs = append(errs, fmt.Errorf("remove %s, left by a publish that stopped: %w", path, err))
			continue
		}
		b.logf("removed %s, left by a publish that stopped", path)
	}
	return errors.Join(errs...)
}

// finishSwap makes live the newest release when a publish put it in place
// and died before making it live: it is newer than the release current
// names, its release.json names that one as its previous release (or
// none, where there is no current link), and its SHA256SUMS was written
// after the current link was made. SHA256SUMS is written before the folder
// is renamed into place, so a release with it is complete; a link made
// after it means someone pointed current back at an older release on
// purpose (a release withdrawn by hand), which is left as it is.
func (b *Builder) finishSwap() error {
	current, err := CurrentRelease(b.Layout)
	if err != nil && !errors.Is(err, ErrNoRelease) {
		return fmt.Errorf("current release: %w", err)
	}
	ids, err := Releases(b.Layout)
	if err != nil || len(ids) == 0 {
		return err
	}
	newest := ids[len(ids)-1]
	if newest <= current {
		return nil
	}
	rel, err := ReadRelease(b.Layout, newest)
	if err != nil || rel.ID != newest || rel.Previous != current {
		// Not one a publish made from the live release: left alone, as
		// publish found it.
		return nil
	}
	sums, err := os.Stat(filepath.Join(rel.Dir, schemas.ChecksumsFile))
	if err != nil {
		return nil
	}
	if link, err := os.Lstat(b.Layout.Current()); err == nil && !sums.ModTime().After(link.ModTime()) {
		return nil
	}
	if err := swapCurrent(b.Layout, newest); err != nil {
		return fmt.Errorf("make live release %s, built by a publish that stopped: %w", newest, err)
	}
	b.logf("release %s, built by a publish that stopped before making it live, is live", newest)
	reach("swap-finished")
	return nil
}

// removeAuditLeftovers removes, from the folder of the audits' records,
// temporary files and the record of any release that is not in releases/:
// a dead publish's, whose release was never put in place.
func (b *Builder) removeAuditLeftovers() error {
	inPlace := func(name string) bool {
		id, record := strings.CutSuffix(name, ".parquet")
		if !record || strings.HasPrefix(id, ".") {
			return false
		}
		_, err := os.Stat(b.Layout.Release(id))
		return err == nil
	}
	if err := b.removeAuditRecords(inPlace, func(path string) {
		b.logf("removed %s, left by a publish that stopped", path)
	}); err != nil {
		return fmt.Errorf("%w (left by a publish that stopped, with digests of figures before disclosure control)", err)
	}
	return nil
}

// removeAuditRecords removes every entry of the folder of the audits'
// records whose name keep does not keep, telling removed (when not nil)
// of each, and returns the first error.
func (b *Builder) removeAuditRecords(keep func(name string) bool, removed func(path string)) error {
	dir := b.Layout.AuditRecords()
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("list the audits' records: %w", err)
	}
	for _, e := range entries {
		if keep(e.Name()) {
			continue
		}
		path := filepath.Join(dir, e.Name())
		if err := os.RemoveAll(path); err != nil {
			return fmt.Errorf("remove %s: %w", path, err)
		}
		if removed != nil {
			removed(path)
		}
	}
	return nil
}
