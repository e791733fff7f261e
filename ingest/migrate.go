package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/yardstick-open/yardstick/schemas"
)

// A warehouse written before layout 2 (period=P/council=C/<id>.parquet,
// one file per submission, period and council) is moved to layout 2
// (period=P/<id>_<C>.parquet, or period=P/<id>.parquet for several
// councils) once, by MigrateWarehouse. DuckDB refuses a Hive folder that
// mixes the two depths, so the new tree is built beside the old one and
// swapped in whole:
//
//  1. a .observations-v2 folder without its _complete marker is what a
//     migration that died left: it is removed;
//  2. each submission's files of one period become one file in
//     .observations-v2: a hard link, renamed, for a period of one
//     council; for several, one file merged from them, sorted by council
//     (its files in council order, each file's rows in its order), in row
//     groups of multiCouncilRowGroup rows, its rows compared with its
//     sources'. Files of submissions that are not accepted (rejected, or
//     left by an ingest that died) are left out;
//  3. every new file and folder is synced, then _complete is written
//     and synced;
//  4. observations is renamed to .observations-v1-<time>, and
//     .observations-v2 to observations; layout.json is written, and
//     _complete removed.
//
// Run again after a crash at any point, it finishes what was begun: a
// complete .observations-v2 is swapped in (step 4 goes on from where it
// stopped), an incomplete one is built again. Manifests are not
// rewritten: their files keep the layout 1 paths first written, and
// readers find a submission's files through its periods and the period
// folders' listings instead.

// MigrateOptions describe one migration.
type MigrateOptions struct {
	// RemoveOld removes the layout 1 tree once the new one is in place,
	// instead of keeping it as warehouse/.observations-v1-<time>.
	RemoveOld bool
	// Progress, if set, is called with a line saying how a long migration
	// is getting on.
	Progress func(line string)
	// Now is the time that names the old tree; nil means time.Now.
	Now func() time.Time
}

// MigrateReport says what a migration did.
type MigrateReport struct {
	// Already is true when the warehouse was in layout 2 already.
	Already bool `json:"already"`
	// Linked is how many files of one council's rows were linked to
	// their new names; Merged how many files of several councils' rows
	// were written, from Sources files of layout 1.
	Linked  int `json:"linked"`
	Merged  int `json:"merged"`
	Sources int `json:"sources"`
	// Rows is how many rows the merged files hold.
	Rows int64 `json:"rows"`
	// Left is how many files of submissions not accepted were left in the
	// old tree.
	Left int `json:"left"`
	// Old is where the layout 1 tree is kept, relative to the data
	// folder; "" when it was removed or there was none.
	Old string `json:"old,omitempty"`
	// Removed lists the old trees removed (RemoveOld), relative to the
	// data folder.
	Removed []string `json:"removed,omitempty"`
}

// ErrBusy is returned by MigrateWarehouse when a publish or an ingest is
// running in the data folder.
var ErrBusy = errors.New("busy")

// oldTreePrefix begins the name of a layout 1 tree kept after a migration.
const oldTreePrefix = ".observations-v1-"

// MigrateWarehouse moves the warehouse of the data folder from layout 1 to
// layout 2 (see above). It holds the publish lock and the warehouse's
// layout lock while it runs, and refuses to start while an ingest is
// running (ErrBusy); an ingest started meanwhile waits for it, then
// writes layout 2.
func MigrateWarehouse(ctx context.Context, layout schemas.Layout, opt MigrateOptions) (*MigrateReport, error) {
	if opt.Progress == nil {
		opt.Progress = func(string) {}
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	unlock, err := migrateLocks(layout)
	if err != nil {
		return nil, err
	}
	defer unlock()

	m := &migration{layout: layout, opt: opt, rep: &MigrateReport{},
		v2: layout.WarehouseMigrationTree()}
	if err := m.run(ctx); err != nil {
		return nil, err
	}
	if opt.RemoveOld {
		if err := m.removeOld(); err != nil {
			return nil, err
		}
	}
	return m.rep, nil
}

// migrateLocks takes the publish lock and the layout lock, and checks that
// no ingest is running: each running ingest holds the lock of its
// incoming submission, taken under the layout lock, so once the layout
// lock is held no other can start.
func migrateLocks(layout schemas.Layout) (unlock func(), err error) {
	var unlocks []func() error
	release := func() {
		for _, u := range slices.Backward(unlocks) {
			_ = u()
		}
	}
	defer func() {
		if err != nil {
			release()
		}
	}()
	take := func(path, busy string) error {
		u, ok, err := schemas.TryLockFile(path)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("%w: %s; run the migration again once it has finished", ErrBusy, busy)
		}
		unlocks = append(unlocks, u)
		return nil
	}
	if err := take(layout.PublishLock(), "a publish is running in "+layout.Root); err != nil {
		return nil, err
	}
	if err := take(layout.WarehouseLayoutLock(), "an ingest is starting in "+layout.Root); err != nil {
		return nil, err
	}
	incoming := (&Pipeline{Layout: layout}).incomingDir()
	entries, err := os.ReadDir(incoming)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("list incoming submissions: %w", err)
	}
	for _, e := range entries {
		id, ok := strings.CutSuffix(e.Name(), ".lock")
		if !ok {
			continue
		}
		u, free, err := schemas.TryLockFile(filepath.Join(incoming, e.Name()))
		if err != nil {
			return nil, err
		}
		if !free {
			return nil, fmt.Errorf("%w: an ingest is running in %s (submission %s); run the migration again once it has finished", ErrBusy, layout.Root, id)
		}
		_ = u() // a dead ingest's: its files are not accepted, so they are left out
	}
	return release, nil
}

type migration struct {
	layout schemas.Layout
	opt    MigrateOptions
	rep    *MigrateReport
	v2     string
}

func (m *migration) run(ctx context.Context) error {
	obs := m.layout.Observations()
	if exists(schemas.WarehouseMigrationMarker(obs)) {
		// Killed after the swap, before it was recorded.
		return m.finish()
	}
	if exists(schemas.WarehouseMigrationMarker(m.v2)) {
		return m.swap()
	}
	if err := os.RemoveAll(m.v2); err != nil {
		return fmt.Errorf("remove an unfinished migration's %s: %w", m.v2, err)
	}
	version, recorded, err := schemas.ReadWarehouseLayout(m.layout)
	if err != nil {
		return err
	}
	if version == schemas.WarehouseLayoutVersion {
		m.rep.Already = true
		if !recorded && exists(obs) {
			return schemas.WriteWarehouseLayout(m.layout)
		}
		return nil
	}
	if err := m.build(ctx); err != nil {
		return err
	}
	return m.swap()
}

// source is one layout 1 file.
type source struct {
	council, path string
}

// A period or council folder listed and then gone when build lists it was
// removed by the clean-up after a dead ingest (removeLeftovers), which
// every ingest runs before it takes the layout lock, and which removes a
// folder it has emptied. It is passed over: the clean-up removes only
// files of submissions that never arrived, which a migration leaves out
// anyway. The clean-up stays outside the layout lock, rather than
// waiting for a migration, so that a long clean-up never holds up other
// ingests from starting, and so that the one holder of the layout lock
// that removes files is the migration.

// build writes the new tree (steps 2 and 3).
func (m *migration) build(ctx context.Context) error {
	obs := m.layout.Observations()
	periods, err := os.ReadDir(obs)
	if err != nil {
		return fmt.Errorf("list warehouse: %w", err)
	}
	reach("migrate-listed")
	ws := newWarehouseState(m.layout)
	var written []string
	var pw *parquet.GenericWriter[Observation]
	for _, pe := range periods {
		period, ok := strings.CutPrefix(pe.Name(), "period=")
		if !ok || !pe.IsDir() {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		byID := map[string][]source{}
		pdir := filepath.Join(obs, pe.Name())
		councils, err := os.ReadDir(pdir)
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed meanwhile (see the note above build)
		}
		if err != nil {
			return fmt.Errorf("list warehouse: %w", err)
		}
		for _, ce := range councils {
			council, ok := strings.CutPrefix(ce.Name(), "council=")
			if !ok || !ce.IsDir() {
				if _, _, isFile := schemas.WarehouseFileID(ce.Name()); isFile {
					return fmt.Errorf("%s holds both layouts (%s beside council folders): move it aside and migrate again", pdir, ce.Name())
				}
				continue
			}
			files, err := os.ReadDir(filepath.Join(pdir, ce.Name()))
			if errors.Is(err, fs.ErrNotExist) {
				continue // removed meanwhile (see the note above build)
			}
			if err != nil {
				return fmt.Errorf("list warehouse: %w", err)
			}
			for _, f := range files {
				id, _, ok := schemas.WarehouseFileID(f.Name()) // temporary files give none
				if !ok || f.IsDir() {
					continue
				}
				man, err := ws.accepted(id)
				if err != nil {
					return err
				}
				if man == nil {
					m.rep.Left++
					continue
				}
				byID[id] = append(byID[id], source{council, filepath.Join(pdir, ce.Name(), f.Name())})
			}
		}
		ids := slices.Sorted(func(yield func(string) bool) {
			for id := range byID {
				if !yield(id) {
					return
				}
			}
		})
		linked, merged := 0, 0
		for _, id := range ids {
			srcs := byID[id]
			slices.SortFunc(srcs, func(a, b source) int { return strings.Compare(a.council, b.council) })
			council := ""
			if len(srcs) == 1 {
				council = srcs[0].council
			}
			final := filepath.Join(m.v2, pe.Name(), schemas.WarehouseFileName(id, council))
			if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
				return fmt.Errorf("create folder: %w", err)
			}
			if len(srcs) == 1 {
				// The same bytes under a new name: nothing to compare.
				if err := os.Link(srcs[0].path, final); err != nil {
					return fmt.Errorf("link %s: %w", srcs[0].path, err)
				}
				linked++
			} else {
				if pw == nil {
					pw = newObservationWriter(multiCouncilRowGroup)
				}
				rows, err := mergeFiles(pw, srcs, final)
				if err != nil {
					return fmt.Errorf("merge the files of submission %s for %s: %w", id, period, err)
				}
				m.rep.Rows += rows
				m.rep.Sources += len(srcs)
				merged++
			}
			written = append(written, final)
		}
		m.rep.Linked += linked
		m.rep.Merged += merged
		if linked+merged > 0 {
			m.opt.Progress(fmt.Sprintf("period %s: %s linked, %s merged from several councils' files (%s files so far)",
				period, schemas.GroupDigits(strconv.Itoa(linked)), schemas.GroupDigits(strconv.Itoa(merged)), schemas.GroupDigits(strconv.Itoa(len(written)))))
		}
	}
	reach("migrate-built")
	// A warehouse of no accepted files wrote nothing, so made no folder.
	if err := os.MkdirAll(m.v2, 0o755); err != nil {
		return fmt.Errorf("create folder: %w", err)
	}
	// Each file, and each period folder with the folder holding it.
	dirs := []string{m.v2}
	for _, f := range written {
		if d := filepath.Dir(f); !slices.Contains(dirs, d) {
			dirs = append(dirs, d)
		}
	}
	if err := schemas.SyncAll(append(written, dirs...)); err != nil {
		return err
	}
	f, err := createNew(schemas.WarehouseMigrationMarker(m.v2))
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(f, "layout %d built from layout 1\n", schemas.WarehouseLayoutVersion); err != nil {
		f.Close()
		return err
	}
	if err := syncClose(f); err != nil {
		return err
	}
	if err := schemas.SyncDir(m.v2); err != nil {
		return err
	}
	reach("migrate-complete")
	return nil
}

// mergeFiles writes the rows of srcs, in order, to a new file at final,
// then reads the file back and checks that it holds the same rows, each
// as often as the sources do, and returns how many.
func mergeFiles(pw *parquet.GenericWriter[Observation], srcs []source, final string) (int64, error) {
	f, err := os.OpenFile(final, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	pw.Reset(f)
	want := map[string]int{}
	var rows int64
	for _, s := range srcs {
		obs, err := parquet.ReadFile[Observation](s.path)
		if err != nil {
			return 0, fmt.Errorf("read %s: %w", s.path, err)
		}
		for i := range obs {
			if obs[i].CouncilCode != s.council {
				return 0, fmt.Errorf("%s holds a row of council %s", s.path, obs[i].CouncilCode)
			}
			want[rowText(&obs[i])]++
		}
		if _, err := pw.Write(obs); err != nil {
			return 0, fmt.Errorf("write %s: %w", final, err)
		}
		rows += int64(len(obs))
	}
	if err := pw.Close(); err != nil {
		return 0, fmt.Errorf("write %s: %w", final, err)
	}
	pw.Reset(io.Discard)
	if err := f.Close(); err != nil {
		return 0, fmt.Errorf("write %s: %w", final, err)
	}
	got, err := parquet.ReadFile[Observation](final)
	if err != nil {
		return 0, fmt.Errorf("read back %s: %w", final, err)
	}
	for i := range got {
		k := rowText(&got[i])
		if want[k] == 0 {
			return 0, fmt.Errorf("%s holds a row its sources do not (line %d of submission %s)", final, got[i].SourceLine, got[i].SubmissionID)
		}
		want[k]--
	}
	if int64(len(got)) != rows {
		return 0, fmt.Errorf("%s holds %d rows, its sources %d", final, len(got), rows)
	}
	return rows, nil
}

// rowText is every field of a row, for comparing rows as a multiset.
func rowText(o *Observation) string {
	var b strings.Builder
	for _, s := range []string{o.CouncilCode, o.ProviderID, o.ProviderName, o.ProviderSector, o.Service, o.Metric,
		o.Period, o.Note, o.Status, o.SubmissionID} {
		b.WriteString(strconv.Quote(s))
		b.WriteByte('|')
	}
	for _, p := range []*int64{o.Numerator, o.Denominator} {
		if p != nil {
			b.WriteString(strconv.FormatInt(*p, 10))
		}
		b.WriteByte('|')
	}
	if o.Value != nil {
		b.WriteString(strconv.FormatUint(math.Float64bits(*o.Value), 16))
	}
	fmt.Fprintf(&b, "|%d|%d|%d|%d", o.PeriodStart, o.PeriodEnd, o.SourceLine, o.ReceivedAt.UnixMicro())
	return b.String()
}

// swap puts the complete new tree in the old one's place (step 4), going
// on from where a migration that died stopped.
func (m *migration) swap() error {
	obs := m.layout.Observations()
	if exists(obs) {
		old := filepath.Join(m.layout.Warehouse(), oldTreePrefix+m.opt.Now().UTC().Format("20060102T150405Z"))
		if err := os.Rename(obs, old); err != nil {
			return fmt.Errorf("keep the layout 1 tree: %w", err)
		}
		m.rep.Old = relPath(m.layout.Root, old)
		reach("migrate-old-moved")
	}
	if err := os.Rename(m.v2, obs); err != nil {
		return fmt.Errorf("put the layout 2 tree in place: %w", err)
	}
	reach("migrate-new-moved")
	if err := schemas.SyncDir(m.layout.Warehouse()); err != nil {
		return err
	}
	return m.finish()
}

// finish records the new layout and removes the marker the swap carried.
func (m *migration) finish() error {
	if err := schemas.WriteWarehouseLayout(m.layout); err != nil {
		return err
	}
	reach("migrate-layout-written")
	obs := m.layout.Observations()
	if err := schemas.RemoveIfExists(schemas.WarehouseMigrationMarker(obs)); err != nil {
		return err
	}
	if m.rep.Old == "" {
		m.rep.Old = m.latestOld()
	}
	return schemas.SyncDir(obs)
}

// oldTrees lists the layout 1 trees kept in the warehouse folder.
func (m *migration) oldTrees() ([]string, error) {
	entries, err := os.ReadDir(m.layout.Warehouse())
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("list warehouse: %w", err)
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), oldTreePrefix) {
			out = append(out, filepath.Join(m.layout.Warehouse(), e.Name()))
		}
	}
	return out, nil
}

func (m *migration) latestOld() string {
	trees, err := m.oldTrees()
	if err != nil || len(trees) == 0 {
		return ""
	}
	return relPath(m.layout.Root, trees[len(trees)-1])
}

// removeOld removes the layout 1 trees kept.
func (m *migration) removeOld() error {
	trees, err := m.oldTrees()
	if err != nil {
		return err
	}
	for _, t := range trees {
		if err := os.RemoveAll(t); err != nil {
			return fmt.Errorf("remove the layout 1 tree: %w", err)
		}
		m.rep.Removed = append(m.rep.Removed, relPath(m.layout.Root, t))
	}
	m.rep.Old = ""
	return nil
}

// exists reports whether path can be stat'ed.
func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
