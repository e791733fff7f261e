package duckdb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
	if err := commitWritten(p); err != nil {
		return fmt.Errorf("write register: %w", err)
	}
	return nil
}

// loadRegister loads the provider register of the data folder, if it has
// one, as the temporary table register_names: the name and sector each
// identifier stands for, which the providers table prefers to any
// council's spelling, so no council's return renames a provider the
// regulators know. It records in register_used what release.json says of
// the register (DB.RegisterUsed): its SHA-256, providers and imports.
//
// yardstick providers rebuild replaces the register by renaming a new
// file over it, so a rebuild during a publish could swap the file between
// hashing it and reading it. The hash is of the file held open, and the
// load is done again when, afterwards, the name no longer leads to that
// file: the hash recorded is of the file the release read.
func (s *session) loadRegister(ctx context.Context, dataDir string) error {
	path := registers.RegisterFile(dataDir)
	for range 3 {
		f, err := os.Open(path)
		if errors.Is(err, fs.ErrNotExist) {
			return s.exec(ctx, "register_none")
		} else if err != nil {
			return fmt.Errorf("provider register: %w", err)
		}
		same, err := s.loadRegisterFile(ctx, f, path)
		f.Close()
		if err != nil || same {
			return err
		}
	}
	return fmt.Errorf("provider register %s: replaced three times while publish read it; publish again once yardstick providers rebuild has finished", path)
}

// loadRegisterFile hashes the register open as f and loads it from path,
// and reports whether path still names f once loaded.
func (s *session) loadRegisterFile(ctx context.Context, f *os.File, path string) (bool, error) {
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return false, fmt.Errorf("provider register %s: %w", path, err)
	}
	if err := s.exec(ctx, "register_load", sql.Named("path", path)); err != nil {
		return false, fmt.Errorf("provider register %s: %w", path, err)
	}
	if err := s.exec(ctx, "register_used", sql.Named("path", path), sql.Named("sha256", hex.EncodeToString(h.Sum(nil)))); err != nil {
		return false, fmt.Errorf("provider register %s: %w", path, err)
	}
	same, err := schemas.NamesFile(path, f)
	if err != nil {
		return false, fmt.Errorf("provider register %s: %w", path, err)
	}
	return same, nil
}

// RegisterUsed returns what the last Build on d recorded of the provider
// register it read, for release.json: the register's SHA-256, number of
// providers and imports, or Status schemas.RegisterNone when the data
// folder had no register.
func (d *DB) RegisterUsed(ctx context.Context) (*schemas.ProviderRegister, error) {
	rows, err := d.Query(ctx, "register_used_read")
	if err != nil {
		return nil, fmt.Errorf("provider register used: %w", err)
	}
	defer rows.Close()
	var out []schemas.ProviderRegister
	for rows.Next() {
		var r schemas.ProviderRegister
		var imports string
		if err := rows.Scan(&r.Status, &r.SHA256, &r.Providers, &imports); err != nil {
			return nil, fmt.Errorf("provider register used: %w", err)
		}
		if err := json.Unmarshal([]byte(imports), &r.Imports); err != nil {
			return nil, fmt.Errorf("provider register used: imports: %w", err)
		}
		if r.Imports == nil {
			r.Imports = []schemas.RegisterImport{}
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("provider register used: %w", err)
	}
	if len(out) != 1 {
		return nil, fmt.Errorf("provider register used: %d records, want 1", len(out))
	}
	return &out[0], nil
}
