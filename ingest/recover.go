package ingest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/yardstick-open/yardstick/schemas"
)

// A submission is committed in steps, and a crash (kill -9, a power cut)
// can stop it between any two. Every step before the last is invisible to
// publish, which counts a submission only once its folder, with an
// accepted manifest, is in place; the steps are:
//
//  1. lock submissions/.incoming/<id>.lock, held until the ingest ends;
//  2. store the file in submissions/.incoming/<id>/ and spill checked rows
//     to submissions/.incoming/<id>.spill;
//  3. write each period's Parquet to a temporary file beside its final
//     name in the warehouse (period=P/<id>_<council>.parquet, or
//     period=P/<id>.parquet for several councils), then rename them all
//     into place and sync them, their folders, and any folder made for a
//     new period with the folder holding it;
//  4. write report.json and manifest.json in the incoming folder, and add
//     the file's hash to the submission index;
//  5. rename the incoming folder to submissions/<id>: the submission exists.
//
// Steps 3 and 4 wait on the disk, not on each other, so they run side by
// side (the stored file's sync too); step 5 begins only once every one of
// them has been synced, and the ingest acknowledges the submission only
// once the rename of step 5 is synced too. That ordering is the whole of
// what the guarantees below need, so within steps 3 and 4 nothing waits
// for the disk more than once: the Parquet files are renamed into place
// before they are synced, and a file's first index entry is written
// straight to its name, so that each file and its folder are synced
// together. A crash before step 5 may then leave a warehouse file or an
// index entry torn; the clean-up below removes warehouse files by name,
// whole or not, and a torn index entry is read as none.
//
// A crash before step 5 leaves files that belong to no submission: the
// incoming folder, the spill, temporary Parquet files and, after step 3,
// complete Parquet files named for an id that has no submission. Another
// reader of the Hive folder (Spark, DuckDB reading the files as they are)
// would count those rows, and a council that sends the file again would
// have them twice. So every ingest first removes what dead ingests left
// (removeLeftovers): an id in .incoming whose lock no one holds is dead,
// since its owner takes the lock before making anything and lets it go
// only after it has put everything in place or removed it (a lock file
// alone may be one an ingest has created and not yet taken, which may go
// too; removeLeftovers says why). An index entry
// written in step 4 for a submission that never arrived is passed over by
// findDuplicate, which trusts an entry only while its manifest exists.

// incomingDir is the folder of submissions being received.
func (p *Pipeline) incomingDir() string { return filepath.Join(p.Layout.Submissions(), ".incoming") }

// failpoint, when a test sets it, is called with the name of each step of
// committing a submission as the step is reached, so that a test can kill
// the process there. It is nil in every program.
var failpoint func(step string)

// syncWarehouse syncs an accepted submission's warehouse files, their
// folders and the folders holding those, each by itself
// (schemas.SyncEach). A test may replace it to see what an ingest syncs;
// programs never do.
var syncWarehouse = schemas.SyncEach

func reach(step string) {
	if failpoint != nil {
		failpoint(step)
	}
}

// incoming is one submission being received.
type incoming struct {
	dir, spill, lock string
	unlock           func() error
}

// startIncoming locks id's place in the incoming folder and makes the
// folder the submission is assembled in.
func (p *Pipeline) startIncoming(ctx context.Context, id string) (*incoming, error) {
	base := filepath.Join(p.incomingDir(), id)
	in := &incoming{dir: base, spill: base + ".spill", lock: base + ".lock"}
	var unlock func() error
	var err error
	for range 3 {
		// Another ingest that has just refused a file removes the
		// incoming folder when it is empty, which can fall between this
		// one making the folder and creating its lock file in it.
		unlock, err = schemas.LockFile(ctx, in.lock)
		if !errors.Is(err, fs.ErrNotExist) {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("create submission folder: %w", err)
	}
	in.unlock = unlock
	reach("incoming-locked")
	if err := os.Mkdir(in.dir, 0o755); err != nil {
		in.finish(false)
		return nil, fmt.Errorf("create submission folder: %w", err)
	}
	return in, nil
}

// finish removes the lock file and then lets the lock go: by now the
// incoming folder has been renamed into place or removed. Once a
// submission is stored (kept true), the folder of incoming submissions
// (submissions/.incoming) stays, empty, for the next ingest: making and
// removing it for every return cost a small return two of its costliest
// system calls. Otherwise it is removed when no other ingest is using it,
// so that a file ingest refused leaves no trace.
func (in *incoming) finish(kept bool) {
	os.Remove(in.lock)
	_ = in.unlock() // closing the lock file lets the lock go, failed unlock or not
	if !kept {
		os.Remove(filepath.Dir(in.lock))
	}
}

// RemoveLeftovers removes what ingests that died left in the data folder:
// their incoming folders and spill files, their temporary Parquet files
// and any Parquet files they had renamed into the warehouse before they
// could record their submission. Ingests still running are left alone, so
// it is safe at any time; every ingest calls it first, and publish may too.
func RemoveLeftovers(layout schemas.Layout) error {
	p := &Pipeline{Layout: layout}
	_, err := p.removeLeftovers()
	return err
}

// removeLeftovers removes dead ingests' leftovers (see RemoveLeftovers)
// and returns the ids it found dead.
func (p *Pipeline) removeLeftovers() ([]string, error) {
	entries, err := os.ReadDir(p.incomingDir())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list incoming submissions: %w", err)
	}
	ids := map[string]struct{}{}
	for _, e := range entries {
		name := e.Name()
		if id, ok := strings.CutSuffix(name, ".lock"); ok {
			ids[id] = struct{}{}
		} else if id, ok := strings.CutSuffix(name, ".spill"); ok {
			ids[id] = struct{}{}
		} else if e.IsDir() {
			ids[name] = struct{}{}
		}
	}
	var dead []unlockedID
	var errs []error
	for id := range ids {
		// A lock file alone may be one another ingest has just created
		// and not yet taken. Taking it and removing it is still safe:
		// that ingest then finds the file it locked gone and locks a new
		// one (schemas.LockFile), before it makes anything else.
		unlock, ok, err := schemas.TryLockFile(filepath.Join(p.incomingDir(), id+".lock"))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !ok {
			continue // its ingest is still running
		}
		dead = append(dead, unlockedID{id, unlock})
	}
	if len(dead) == 0 {
		return nil, errors.Join(errs...)
	}
	// An id whose submission is in place finished; only its spill and
	// lock file may be left. The others never arrived: every file of theirs
	// goes, the warehouse's first, so that a crash while removing them
	// leaves the incoming folder to say there is more to do.
	var gone []string
	never := map[string]bool{}
	for _, d := range dead {
		if !p.submitted(d.id) {
			never[d.id] = true
		}
	}
	if len(never) > 0 {
		errs = append(errs, removeWarehouseFiles(p.Layout, never))
		reach("leftovers-warehouse-removed")
		errs = append(errs, p.removeIndexTemps())
	}
	for _, d := range dead {
		base := filepath.Join(p.incomingDir(), d.id)
		err := errors.Join(schemas.RemoveIfExists(base+".spill"), os.RemoveAll(base), schemas.RemoveIfExists(base+".lock"))
		errs = append(errs, err, d.unlock())
		if err == nil && never[d.id] {
			gone = append(gone, d.id)
		}
	}
	return gone, errors.Join(errs...)
}

// submitted reports whether submission id's folder is in place.
func (p *Pipeline) submitted(id string) bool {
	_, err := os.Stat(p.Layout.Submission(id))
	return err == nil
}

type unlockedID struct {
	id     string
	unlock func() error
}

// removeWarehouseFiles removes, from every period folder of the
// warehouse, the Parquet files of the submissions ids and their temporary
// files, and then the folders left empty. It lists each period folder,
// about forty for ten years of quarters; it runs only after a crash. A
// warehouse still in layout 1 (period=P/council=C/, which ingest no longer
// writes but RemoveLeftovers may meet before its migration) has its
// council folders listed too.
func removeWarehouseFiles(layout schemas.Layout, ids map[string]bool) error {
	periods, err := os.ReadDir(layout.Observations())
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("list warehouse: %w", err)
	}
	var errs []error
	// clean removes the files of ids in dir, and dir if that leaves it
	// empty; it reports whether it removed any.
	clean := func(dir string) (entries []fs.DirEntry, removed bool) {
		entries, err := os.ReadDir(dir)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, false // another clean-up, or a migration, moved it first
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("list warehouse: %w", err))
			return nil, false
		}
		for _, f := range entries {
			if !f.IsDir() && ids[warehouseFileID(f.Name())] {
				errs = append(errs, schemas.RemoveIfExists(filepath.Join(dir, f.Name())))
				removed = true
			}
		}
		return entries, removed
	}
	for _, pe := range periods {
		if !pe.IsDir() || !strings.HasPrefix(pe.Name(), "period=") {
			continue
		}
		pdir := filepath.Join(layout.Observations(), pe.Name())
		entries, removed := clean(pdir)
		for _, ce := range entries {
			if ce.IsDir() && strings.HasPrefix(ce.Name(), "council=") {
				if _, r := clean(filepath.Join(pdir, ce.Name())); r {
					os.Remove(filepath.Join(pdir, ce.Name())) // only if empty now
					removed = true
				}
			}
		}
		if removed {
			os.Remove(pdir) // only if empty now
		}
	}
	return errors.Join(errs...)
}

// warehouseFileID returns the submission id a warehouse file belongs to,
// under its final name or its temporary one (see schemas.WarehouseFileID
// and WarehouseTempFileID); "" for any other name.
func warehouseFileID(name string) string {
	if id, _, ok := schemas.WarehouseFileID(name); ok {
		return id
	}
	if id, _, ok := schemas.WarehouseTempFileID(name); ok {
		return id
	}
	return ""
}

// removeIndexTemps removes the temporary files of submission index entries
// that no ingest is writing: one that died while writing an entry leaves
// .<hash>.json.tmp-<random> beside it. An entry is written only under the
// lock of its hash, so a temporary file whose lock is free is dead.
func (p *Pipeline) removeIndexTemps() error {
	entries, err := os.ReadDir(p.indexDir())
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("list submission index: %w", err)
	}
	var errs []error
	for _, e := range entries {
		base, ok := schemas.TempBase(e.Name())
		sum, json := strings.CutSuffix(base, ".json")
		if !ok || !json {
			continue
		}
		unlock, ok, err := schemas.TryLockFile(filepath.Join(p.indexDir(), sum+".lock"))
		if err != nil || !ok {
			errs = append(errs, err)
			continue
		}
		errs = append(errs, schemas.RemoveIfExists(filepath.Join(p.indexDir(), e.Name())), unlock())
	}
	return errors.Join(errs...)
}
