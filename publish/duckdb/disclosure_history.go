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
// the data folder, oldest first. Folders whose names start with a dot
// (a release still being built) are left out, as publish.Releases leaves
// them out; a release folder without the file is an error, since its
// figures are public and cannot be taken into account unread.
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
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
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
		return fmt.Errorf("read earlier releases: %w", err)
	}
	for _, q := range []string{"disclosure_truth", "history_known"} {
		if err := s.exec(ctx, q); err != nil {
			return err
		}
	}
	return nil
}
