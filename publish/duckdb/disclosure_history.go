package duckdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/yardstick-open/yardstick/schemas"
)

// historyFiles returns the data/observations.parquet of every release in
// the data folder, oldest first. Entries whose names start with a dot (a
// release still being built) are left out, as publish.Releases leaves
// them out. A release may be a folder or a symbolic link to one (a
// release archived elsewhere and linked back), so each entry is followed
// with os.Stat. Anything else (a file, a broken link, a release folder
// without the file) is an error, since a release's figures are public and
// cannot be taken into account unread.
func historyFiles(layout schemas.Layout) ([]string, error) {
	entries, err := os.ReadDir(layout.Releases())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("earlier releases: %w", err)
	}
	var files []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		info, err := os.Stat(layout.Release(e.Name()))
		if err != nil {
			return nil, fmt.Errorf("earlier release %s: %w; disclosure control must read what every release "+
				"published: restore what the link points at, or move it out of %s if it was never published",
				e.Name(), err, layout.Releases())
		}
		if !info.IsDir() {
			return nil, fmt.Errorf("earlier release %s: %s holds only releases, and this is not a folder; "+
				"move it out of %s, or rename it to start with a dot if it must stay",
				e.Name(), layout.Releases(), layout.Releases())
		}
		f := filepath.Join(layout.Release(e.Name()), filepath.FromSlash(schemas.ObservationsParquet))
		if _, err := os.Stat(f); err != nil {
			return nil, fmt.Errorf("earlier release %s: %w; disclosure control must read what every release "+
				"published: restore the file, or move the folder out of %s if it was never published",
				e.Name(), err, layout.Releases())
		}
		files = append(files, f)
	}
	sort.Strings(files)
	return files, nil
}

// loadHistory reads what every earlier release of the data folder
// published into history_cells, and records in disclosure_truth the
// observations as the councils gave them and in history_known the cells an
// earlier release already published with the figures they have now. It
// runs after the council's [c] markers are applied and before Yardstick
// hides anything.
func (s *session) loadHistory(ctx context.Context, layout schemas.Layout) error {
	files, err := historyFiles(layout)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		if err := s.exec(ctx, "history_none"); err != nil {
			return err
		}
	} else if err := s.exec(ctx, "history_load", sql.Named("files", files)); err != nil {
		return s.historyError(ctx, files, err)
	}
	for _, q := range []string{"disclosure_truth", "history_known"} {
		if err := s.exec(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// historyError explains why history_load failed: it reads each file on
// its own to name the release that cannot be read (a truncated or
// corrupt data/observations.parquet), and what to do about it.
func (s *session) historyError(ctx context.Context, files []string, loadErr error) error {
	for _, f := range files {
		if err := s.exec(ctx, "history_probe", sql.Named("file", f)); err != nil {
			release := filepath.Base(filepath.Dir(filepath.Dir(f)))
			return fmt.Errorf("earlier release %s: cannot read %s: %w; disclosure control must read what every "+
				"release published: restore the file from a backup or another copy of the release (its "+
				"checksums are in the release's datapackage.json), or move the folder out of the releases "+
				"folder if that release was never published", release, f, err)
		}
	}
	return fmt.Errorf("read earlier releases: %w", loadErr)
}
