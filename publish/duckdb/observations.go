package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/yardstick-open/yardstick/schemas"
)

// acceptedManifests reads every submission's manifest.json and returns the
// accepted ones, sorted by id. A data folder without a submissions folder
// has none. A manifest that cannot be read is an error rather than a
// submission quietly left out. Whether each accepted submission's files
// are in the warehouse is checked against the warehouse's listing
// (listWarehouse), not file by file: a national submission's manifest
// lists thousands.
func acceptedManifests(layout schemas.Layout) ([]schemas.Manifest, error) {
	entries, err := os.ReadDir(layout.Submissions())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list submissions: %w", err)
	}
	var out []schemas.Manifest
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		file := filepath.Join(layout.Submission(e.Name()), "manifest.json")
		b, err := os.ReadFile(file)
		if errors.Is(err, fs.ErrNotExist) {
			continue // still being written: ingest writes the manifest last
		}
		if err != nil {
			return nil, fmt.Errorf("read manifest: %w", err)
		}
		var m schemas.Manifest
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("read manifest %s: %w", file, err)
		}
		if m.ID != e.Name() {
			return nil, fmt.Errorf("manifest %s: id %q does not match its folder", file, m.ID)
		}
		if m.Status != schemas.SubmissionAccepted {
			continue
		}
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// warehouse is what listWarehouse found in warehouse/observations: for
// each period, the files of each accepted submission with rows in it.
type warehouse struct {
	// periods maps a period to its submissions' ids and each id to its
	// files there, sorted.
	periods map[string]map[string][]string
	// files counts the files of accepted submissions.
	files int
}

// want returns the sorted ids of the accepted submissions with a file in
// period.
func (w warehouse) want(period string) []string {
	ids := make([]string, 0, len(w.periods[period]))
	for id := range w.periods[period] {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// filesOf returns the files of the submissions ids in period, sorted.
func (w warehouse) filesOf(period string, ids []string) []string {
	var files []string
	for _, id := range ids {
		files = append(files, w.periods[period][id]...)
	}
	sort.Strings(files)
	return files
}

// sortedPeriods returns the periods with files of accepted submissions.
func (w warehouse) sortedPeriods() []string {
	ps := make([]string, 0, len(w.periods))
	for p := range w.periods {
		ps = append(ps, p)
	}
	sort.Strings(ps)
	return ps
}

// listWarehouse lists warehouse/observations once, one folder per period
// (and, in layout 1, per council), and keeps the files of the accepted
// submissions. It reads both layouts (schemas/warehouse.go): layout 1's
// period=<p>/council=<gss>/<id>.parquet, and layout 2's
// period=<p>/<id>_<gss>.parquet and period=<p>/<id>.parquet. Files of
// other submissions (rejected, not yet accepted, or left by an ingest that
// died) and temporary files are left out. Each accepted submission must
// have a file in every period its manifest names: ingest writes the files
// before the manifest and never removes them, so one missing means the
// warehouse lost it, and the release would quietly lack its rows. A
// migration that was begun and not finished is found first, since it
// moves observations away and would otherwise look like such a loss.
//
// A period or council folder that vanishes between listing its parent and
// listing it is passed over: an ingest that aborts removes a folder it
// emptied, and ingest does not take the publish lock. Such a folder held
// no accepted submission's file, which ingest never removes.
func listWarehouse(layout schemas.Layout, accepted []schemas.Manifest) (warehouse, error) {
	w := warehouse{periods: map[string]map[string][]string{}}
	if err := schemas.CheckWarehouseMigration(layout); err != nil {
		return w, err
	}
	ids := make(map[string]bool, len(accepted))
	for _, m := range accepted {
		ids[m.ID] = true
	}
	add := func(period, dir, name string) {
		id, _, ok := schemas.WarehouseFileID(name)
		if !ok || !ids[id] {
			return
		}
		if w.periods[period] == nil {
			w.periods[period] = map[string][]string{}
		}
		w.periods[period][id] = append(w.periods[period][id], filepath.Join(dir, name))
		w.files++
	}
	periods, err := os.ReadDir(layout.Observations())
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return w, fmt.Errorf("list warehouse: %w", err)
	}
	reachCurrent("warehouse-listed")
	for _, pe := range periods {
		period, ok := strings.CutPrefix(pe.Name(), "period=")
		if !pe.IsDir() || !ok || period == "" {
			continue
		}
		dir := layout.ObservationPeriod(period)
		entries, err := os.ReadDir(dir)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return w, fmt.Errorf("list warehouse: %w", err)
		}
		for _, e := range entries {
			if !e.IsDir() {
				add(period, dir, e.Name())
				continue
			}
			if !strings.HasPrefix(e.Name(), "council=") {
				continue
			}
			sub := filepath.Join(dir, e.Name())
			files, err := os.ReadDir(sub)
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				return w, fmt.Errorf("list warehouse: %w", err)
			}
			for _, f := range files {
				if !f.IsDir() {
					add(period, sub, f.Name())
				}
			}
		}
	}
	for _, byID := range w.periods {
		for _, files := range byID {
			sort.Strings(files)
		}
	}
	for _, m := range accepted {
		for _, p := range m.Periods {
			if len(w.periods[p][m.ID]) == 0 {
				return w, fmt.Errorf("accepted submission %s has no warehouse file in period %s (looked in %s): restore it from a backup of warehouse/observations",
					m.ID, p, layout.ObservationPeriod(p))
			}
		}
	}
	return w, nil
}

// loadObservations fills the observations table with the current rows and
// the submissions table with the accepted submissions. It first brings the
// snapshots of each period's current rows up to date (updateCurrent), then
// reads the snapshots, not the submissions' files. It returns how many
// rows are current and from how many warehouse files of accepted
// submissions they were chosen, for the build's log.
func (s *session) loadObservations(ctx context.Context, layout schemas.Layout) (rows int64, nfiles int, err error) {
	start := time.Now()
	accepted, err := acceptedManifests(layout)
	if err != nil {
		return 0, 0, err
	}
	w, err := listWarehouse(layout, accepted)
	if err != nil {
		return 0, 0, err
	}
	if err := s.exec(ctx, "create_observations"); err != nil {
		return 0, 0, err
	}
	if err := s.exec(ctx, "create_submissions"); err != nil {
		return 0, 0, err
	}
	subs := make([][]driver.Value, 0, len(accepted))
	for _, m := range accepted {
		subs = append(subs, []driver.Value{m.ID, m.Council, m.ReceivedAt.UTC(), int64(m.Rows), int64(0)})
	}
	if err := s.appendRows(ctx, "submissions", subs); err != nil {
		return 0, 0, err
	}
	snapshots, st, err := s.updateCurrent(ctx, layout, w, false)
	if err != nil {
		return 0, 0, fmt.Errorf("current rows: %w", err)
	}
	s.done(start, "brought the current rows up to date: %d periods kept, %d updated, %d rebuilt, %d removed",
		st.kept, st.updated, st.rebuilt, st.removed)
	if len(snapshots) == 0 {
		return 0, w.files, s.exec(ctx, "count_current_rows")
	}
	rows, err = s.loadRows(ctx, snapshots)
	var unread snapshotReadError
	if errors.As(err, &unread) && ctx.Err() == nil {
		// A snapshot whose metadata reads but whose rows do not (a disk
		// error, a hand edit) was kept above; it is derived, so every
		// period is chosen again from the warehouse files and loaded once
		// more, into the table made anew: the batches loaded before the
		// failure are in it.
		start := time.Now()
		first := err
		snapshots, st, err = s.updateCurrent(ctx, layout, w, true)
		if err != nil {
			return 0, 0, fmt.Errorf("current rows: rebuild after loading them failed (%w): %w", first, err)
		}
		s.done(start, "rebuilt the current rows of all %d periods from the warehouse, since loading them failed (%v)", st.rebuilt, first)
		if err = s.exec(ctx, "create_observations"); err == nil {
			rows, err = s.loadRows(ctx, snapshots)
		}
	}
	if err != nil {
		return 0, 0, fmt.Errorf("load observations from %s (derived: delete it and publish again to rebuild it): %w", layout.CurrentRows(), err)
	}
	return rows, w.files, s.exec(ctx, "count_current_rows")
}

// bytesPerLoadedRow is how much of DuckDB's memory limit loadRows gives a
// row of a batch: the batch's sort and the table's rows, uncompressed
// until the checkpoint after it, hold it about twice. At 20 million rows
// under 3GB the load in one sort spilled about 2 GB to the scratch
// folder, and the checkpoint after it, reading that back to compress it,
// took 42 s (BENCHMARKS.md, "The observations loaded a batch of metrics
// at a time").
const bytesPerLoadedRow = 1500

// loadRows reads the snapshots into observations (load_observations.sql)
// a batch of whole metrics at a time, as many as fit in DuckDB's memory
// limit at bytesPerLoadedRow a row (or the session's loadBatch rows), in
// metric order, and checkpoints after each batch (compact), so each is
// compressed while it is still in memory rather than spilled first. Each
// batch is sorted by the table's key, metric first, so the table is
// stored in key order. The snapshots are sorted by metric, so a batch
// reads only the row groups of its own metrics. It returns how many rows
// it loaded, which it checks against how many the snapshots hold. An
// error reading the snapshots is a snapshotReadError.
func (s *session) loadRows(ctx context.Context, snapshots []string) (int64, error) {
	files := sql.Named("files", snapshots)
	metrics, err := s.metricRows(ctx, "snapshot_metrics", files)
	if err != nil {
		return 0, snapshotReadError{err}
	}
	batchRows := s.loadBatch
	if batchRows <= 0 {
		limit, err := s.memoryLimit(ctx)
		if err != nil {
			return 0, err
		}
		batchRows = max(limit/bytesPerLoadedRow, minBatchRows)
	}
	var want int64
	for _, m := range metrics {
		want += m.rows
	}
	for _, b := range batchMetrics(metrics, batchRows) {
		if err := s.exec(ctx, "load_observations", files, sql.Named("first", b.first), sql.Named("last", b.last)); err != nil {
			return 0, snapshotReadError{fmt.Errorf("metrics %s to %s: %w", b.first, b.last, err)}
		}
		if err := s.compact(ctx); err != nil {
			return 0, err
		}
	}
	// The table's own count, not the batches' added up, so that rows a
	// load that failed part-way left behind would show too.
	var got int64
	if err := s.scanRow(ctx, "count_observations", nil, &got); err != nil {
		return 0, err
	}
	if got != want {
		return 0, fmt.Errorf("load_observations: observations holds %d rows where the snapshots hold %d: a fault in the build, not in the returns", got, want)
	}
	return want, nil
}

// snapshotReadError is an error reading the snapshots' rows, after which
// loadObservations rebuilds them from the warehouse and loads again; any
// other error of loadRows (a checkpoint, a count that disagrees) is not
// the snapshots' and is returned as it is.
type snapshotReadError struct{ err error }

func (e snapshotReadError) Error() string { return e.err.Error() }
func (e snapshotReadError) Unwrap() error { return e.err }
