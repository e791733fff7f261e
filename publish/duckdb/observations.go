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

	"github.com/yardstick-open/yardstick/schemas"
)

// acceptedManifests reads every submission's manifest.json and returns the
// accepted ones, sorted by id. A data folder without a submissions folder
// has none. A manifest that cannot be read is an error rather than a
// submission quietly left out.
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
		for _, f := range m.Files {
			if _, err := os.Stat(filepath.Join(layout.Root, filepath.FromSlash(f))); err != nil {
				return nil, fmt.Errorf("accepted submission %s: warehouse file: %w", m.ID, err)
			}
		}
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// warehouseFiles returns the warehouse Parquet files that belong to the
// accepted submissions, sorted. Files of other submissions (rejected, or
// whose manifest is not yet written) are left out.
func warehouseFiles(layout schemas.Layout, accepted []schemas.Manifest) ([]string, error) {
	ids := make(map[string]bool, len(accepted))
	for _, m := range accepted {
		ids[m.ID] = true
	}
	pattern := filepath.Join(layout.Observations(), "period=*", "council=*", "*.parquet")
	all, err := filepath.Glob(pattern)
	if err != nil {
		return nil, fmt.Errorf("list warehouse: %w", err)
	}
	var files []string
	for _, f := range all {
		base := filepath.Base(f)
		if strings.HasPrefix(base, ".") {
			continue
		}
		if ids[strings.TrimSuffix(base, ".parquet")] {
			files = append(files, f)
		}
	}
	sort.Strings(files)
	return files, nil
}

// loadObservations fills the observations table with the current rows and
// the submissions table with the accepted submissions. It returns how many
// rows are current and from how many warehouse files they were read, for
// the build's log.
func (s *session) loadObservations(ctx context.Context, layout schemas.Layout) (rows int64, nfiles int, err error) {
	accepted, err := acceptedManifests(layout)
	if err != nil {
		return 0, 0, err
	}
	files, err := warehouseFiles(layout, accepted)
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
	ids := make([]string, 0, len(accepted))
	for _, m := range accepted {
		ids = append(ids, m.ID)
		subs = append(subs, []driver.Value{m.ID, m.Council, m.ReceivedAt.UTC(), int64(m.Rows), int64(0)})
	}
	if err := s.appendRows(ctx, "submissions", subs); err != nil {
		return 0, 0, err
	}
	if len(files) > 0 {
		rows, err = s.execCount(ctx, "load_observations", sql.Named("files", files), sql.Named("accepted", ids))
		if err != nil {
			return 0, 0, fmt.Errorf("load observations: %w", err)
		}
	}
	return rows, len(files), s.exec(ctx, "count_current_rows")
}
