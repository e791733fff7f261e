package duckdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/yardstick-open/yardstick/registers"
	"github.com/yardstick-open/yardstick/schemas"
)

// WriteRegister writes the provider register, given as a file of JSON
// lines at src (registers.WriteJSONLines), to a Parquet file at path,
// atomically. The register is written here because DuckDB writes nested
// columns (a provider's identifiers, locations and ratings) that publish
// then reads as they are; it runs on one thread in a database of its own,
// so the same register gives the same bytes.
func WriteRegister(ctx context.Context, src, path string) (err error) {
	db, err := Open(ctx, "", Options{Threads: 1, KeepOrder: true})
	if err != nil {
		return fmt.Errorf("write register: %w", err)
	}
	defer func() {
		if cerr := db.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("write register: %w", cerr)
		}
	}()
	p, err := schemas.CreatePending(path)
	if err != nil {
		return fmt.Errorf("write register: %w", err)
	}
	defer p.Abort()
	if err := db.Exec(ctx, "register_write", sql.Named("src", src), sql.Named("path", p.Name())); err != nil {
		return fmt.Errorf("write register: %w", err)
	}
	// DuckDB wrote through its own handle; reopen ours so Commit syncs the
	// bytes DuckDB wrote rather than an empty file.
	f, err := os.OpenFile(p.Name(), os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("write register: %w", err)
	}
	p.File.Close()
	p.File = f
	if err := p.Commit(); err != nil {
		return fmt.Errorf("write register: %w", err)
	}
	return nil
}

// loadRegister loads the provider register of the data folder, if it has
// one, as the temporary table register_names: the name and sector each
// identifier stands for, which the providers table prefers to any
// council's spelling, so no council's return renames a provider the
// regulators know.
func (s *session) loadRegister(ctx context.Context, dataDir string) error {
	path := registers.RegisterFile(dataDir)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return s.exec(ctx, "register_none")
	} else if err != nil {
		return fmt.Errorf("provider register: %w", err)
	}
	if err := s.exec(ctx, "register_load", sql.Named("path", path)); err != nil {
		return fmt.Errorf("provider register %s: %w", path, err)
	}
	return nil
}
