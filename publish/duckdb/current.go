package duckdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"

	"github.com/yardstick-open/yardstick/schemas"
)

// Publish keeps, for each period, a snapshot of the current rows in
// warehouse/current/period=<p>/current.parquet: the rows current_choose.sql
// chooses from the period's warehouse files, sorted by metric, council,
// service and provider. The file's Parquet key-value metadata
// yardstick.covers records, as JSON, the rule that chose them and every
// accepted submission with a file in the period when it was made,
// including those wholly superseded, which have no rows in it:
// {"rule": 1, "submissions": ["<id>", ...]}. Rows and list are one file,
// replaced by one rename, so they cannot disagree after a crash.
//
// A period's snapshot is kept while it covers exactly the submissions
// that want it (the accepted ones with a file in the period). When it
// covers some of them, under the same rule, the rows are chosen again from
// the snapshot and the new submissions' files alone: for each key the
// snapshot holds the rows of the latest submission it covers, and the
// latest of those and the new ones is the latest of all, whatever order
// they were received or committed in. Otherwise (a covered submission no
// longer accepted, another rule, no snapshot, or one that cannot be read)
// the period is rebuilt from all its files, and a period with no accepted
// files left loses its snapshot. The snapshots are derived: deleting
// warehouse/current costs the next publish a full rebuild and changes no
// release.

// currentRule is the version of the choice current_choose.sql makes and of
// the columns it writes. A snapshot made under another rule is rebuilt, so
// a change to either must increase it.
const currentRule = 1

// CurrentTempGlob returns the pattern, for filepath.Glob, of the
// temporary files a publish that died while writing a snapshot of the
// current rows may have left in layout's warehouse/current. Only a
// publish holding the publish lock writes them, so one holding it may
// remove every match.
func CurrentTempGlob(layout schemas.Layout) string {
	// A snapshot is written under schemas.CreatePending's temporary name
	// beside its final one before it is renamed into place.
	final := layout.CurrentRowsFile("*")
	return filepath.Join(filepath.Dir(final), schemas.TempPrefix(filepath.Base(final))+"*")
}

// Failpoint, when a test sets it, is called with the name of each step of
// replacing a snapshot as it is reached: "current-written" once the
// temporary file is written, "current-renamed" once it has replaced the
// snapshot; and with "warehouse-listed" once the warehouse's period
// folders are listed, before each is. Publish's crash tests kill the
// process there. It is nil in every program.
var Failpoint func(step string)

func reachCurrent(step string) {
	if Failpoint != nil {
		Failpoint(step)
	}
}

// covers is the JSON of a snapshot's yardstick.covers metadata.
type covers struct {
	Rule        int      `json:"rule"`
	Submissions []string `json:"submissions"`
}

// currentStats counts what updateCurrent did to the periods' snapshots,
// for the build's log.
type currentStats struct {
	kept, updated, rebuilt, removed int
}

// updateCurrent brings every period's snapshot of the current rows up to
// date with the accepted submissions' files in w, and returns the
// snapshots, sorted by period. With rebuild, every period's snapshot is
// chosen again from all its files, whatever it covers: loadObservations
// asks for that when the snapshots it would have kept cannot be read. It
// must run under the publish lock: it replaces files in the data folder.
func (s *session) updateCurrent(ctx context.Context, layout schemas.Layout, w warehouse, rebuild bool) ([]string, currentStats, error) {
	var st currentStats
	periods := w.sortedPeriods()
	if err := s.removeStaleCurrent(layout, w, &st); err != nil {
		return nil, st, err
	}
	snapshots := make([]string, 0, len(periods))
	for _, p := range periods {
		if err := ctx.Err(); err != nil {
			return nil, st, err
		}
		want := w.want(p)
		path := layout.CurrentRowsFile(p)
		have, err := s.readCovers(ctx, path)
		switch {
		case rebuild:
		case err == nil && have.Rule == currentRule && slices.Equal(have.Submissions, want):
			st.kept++
			snapshots = append(snapshots, path)
			continue
		case err == nil && have.Rule == currentRule && len(without(have.Submissions, want)) == 0:
			files := append(w.filesOf(p, without(want, have.Submissions)), path)
			err = s.writeCurrent(ctx, path, files, want)
			if err == nil {
				st.updated++
				snapshots = append(snapshots, path)
				continue
			}
			if ctx.Err() != nil {
				return nil, st, err
			}
			// Its footer was readable but not the rest: rebuilt below,
			// as a snapshot that cannot be read at all is.
		}
		if err := s.writeCurrent(ctx, path, w.filesOf(p, want), want); err != nil {
			return nil, st, fmt.Errorf("period %s: %w", p, err)
		}
		st.rebuilt++
		snapshots = append(snapshots, path)
	}
	return snapshots, st, nil
}

// readCovers reads the yardstick.covers metadata of the snapshot at path.
// A missing snapshot is fs.ErrNotExist; any other error means it cannot
// be trusted and must be rebuilt.
func (s *session) readCovers(ctx context.Context, path string) (covers, error) {
	var c covers
	if _, err := os.Stat(path); err != nil {
		return c, err
	}
	text, err := column[string](ctx, s, "current_covers", sql.Named("file", path))
	if err != nil {
		return c, err
	}
	if len(text) != 1 {
		return c, fmt.Errorf("%s: %d yardstick.covers entries in its metadata, want 1", path, len(text))
	}
	if err := json.Unmarshal([]byte(text[0]), &c); err != nil {
		return c, fmt.Errorf("%s: yardstick.covers: %w", path, err)
	}
	if !sort.StringsAreSorted(c.Submissions) {
		return c, fmt.Errorf("%s: yardstick.covers: submissions not sorted", path)
	}
	return c, nil
}

// writeCurrent chooses the current rows of files, from the submissions
// want only, and writes them with want as the covered submissions over
// the snapshot at path: under a temporary name in the same folder, synced,
// renamed into place, and the folder synced.
func (s *session) writeCurrent(ctx context.Context, path string, files, want []string) error {
	meta, err := json.Marshal(covers{Rule: currentRule, Submissions: want})
	if err != nil {
		return err
	}
	p, err := schemas.CreatePending(path)
	if err != nil {
		return err
	}
	defer p.Abort()
	// DuckDB writes the file by name; the descriptor is not needed.
	if err := p.Finish(); err != nil {
		return err
	}
	if err := s.exec(ctx, "current_choose", sql.Named("files", files), sql.Named("accepted", want),
		sql.Named("path", p.Name()), sql.Named("covers", string(meta))); err != nil {
		return err
	}
	reachCurrent("current-written")
	if err := p.Commit(); err != nil {
		return err
	}
	reachCurrent("current-renamed")
	return nil
}

// removeStaleCurrent removes the snapshots of periods no accepted
// submission has files in any more (a submission withdrawn by hand, a
// period folder removed), so that no reader of warehouse/current takes
// their rows for current ones, and then their folders, so that a Hive
// reader sees no empty partition. A folder holding anything else is left.
func (s *session) removeStaleCurrent(layout schemas.Layout, w warehouse, st *currentStats) error {
	entries, err := os.ReadDir(layout.CurrentRows())
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("list %s: %w", layout.CurrentRows(), err)
	}
	removed := false
	for _, e := range entries {
		period, ok := strings.CutPrefix(e.Name(), "period=")
		if !e.IsDir() || !ok || w.periods[period] != nil {
			continue
		}
		file := layout.CurrentRowsFile(period)
		if _, err := os.Stat(file); err == nil {
			if err := schemas.RemoveIfExists(file); err != nil {
				return fmt.Errorf("remove the current rows of %s, which has no accepted submission: %w", period, err)
			}
			st.removed++
		}
		err := os.Remove(filepath.Dir(file))
		if err == nil {
			removed = true
			continue
		}
		if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTEMPTY) && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("remove the folder of the current rows of %s, which has no accepted submission: %w", period, err)
		}
		// Something else is in it: the file's removal is made durable here.
		if err := schemas.SyncDir(filepath.Dir(file)); err != nil {
			return err
		}
	}
	if removed {
		return schemas.SyncDir(layout.CurrentRows())
	}
	return nil
}

// without returns the ids of a, sorted, that are not in b, sorted.
func without(a, b []string) []string {
	var out []string
	for _, id := range a {
		if _, ok := slices.BinarySearch(b, id); !ok {
			out = append(out, id)
		}
	}
	return out
}
