package duckdb

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/yardstick-open/yardstick/schemas"
)

// ErrNotClean is returned, wrapped, when a release database written by
// WriteRelease holds free blocks: freed space keeps the bytes of what it
// held, so the file must not be published.
var ErrNotClean = errors.New("release database is not clean")

// Tables lists the public tables Build makes, in the order a release
// lists them (schemas.PublicTables). Build's scratch tables are not
// among them and never leave the scratch database.
var Tables = func() []string {
	out := make([]string, len(schemas.PublicTables))
	for i, t := range schemas.PublicTables {
		out[i] = t.Name
	}
	return out
}()

// ErrParquetOnly is returned, wrapped, by ExportCSV for a table a release
// publishes as Parquet only (schemas.Table.ParquetOnly): it has no CSV
// form to write, and the plain export would write its status letters
// unbracketed and its text unguarded.
var ErrParquetOnly = errors.New("the table is published as Parquet only")

// csvQueries are the export queries of tables whose CSV form differs from
// the table: list columns joined with semicolons, a status bracketed, text
// from outside (returns, catalogue.yaml, peer-groups.csv) made safe for
// spreadsheets. The other tables hold only codes and the register's names.
var csvQueries = map[string]string{
	"metrics":           "export_csv_metrics",
	"providers":         "export_csv_providers",
	"observations":      "export_csv_observations",
	"sector_benchmarks": "stats_export_csv_sector_benchmarks",
	"peer_groups":       "export_csv_peer_groups",
}

// ExportParquet writes table to a Parquet file at path, atomically, in the
// order the table is stored when the database was opened with KeepOrder.
// DuckDB reads the written file's columns back before it takes path's
// name, and they must be the table's as schemas.PublicTables registers
// them: datapackage.json describes the comparisons and provider profiles,
// which have no CSV file, from the registry.
func (d *DB) ExportParquet(ctx context.Context, table, path string) error {
	return d.export(ctx, "export_parquet", table, path, func(written string) error {
		return d.checkParquetColumns(ctx, table, written)
	})
}

// checkParquetColumns reads the columns of the Parquet file at path and
// compares them, in order, with the registry's columns of table.
func (d *DB) checkParquetColumns(ctx context.Context, table, path string) error {
	rows, err := d.Query(ctx, "parquet_columns", sql.Named("path", path))
	if err != nil {
		return err
	}
	got, err := rows.Columns()
	rows.Close()
	if err != nil {
		return err
	}
	t, _ := schemas.PublicTable(table)
	if want := t.ColumnNames(); !slices.Equal(got, want) {
		return fmt.Errorf("the Parquet file written has the columns %v; the registry of public tables says %v", got, want)
	}
	return nil
}

// ExportCSV writes table to a CSV file with a header at path, atomically,
// in stored order as ExportParquet, gzipped when path ends in ".gz" (the
// release's large tables: schemas.ObservationsCSV and the like).
// A status letter is written bracketed, as "[c]", the value left blank; a
// list is written as its items separated by semicolons; text from outside
// (returns, catalogue.yaml, peer-groups.csv) that a spreadsheet would run
// as a formula gets a leading apostrophe (schemas.SpreadsheetSafe).
func (d *DB) ExportCSV(ctx context.Context, table, path string) error {
	if t, _ := schemas.PublicTable(table); t.ParquetOnly != "" {
		return fmt.Errorf("export %s as CSV: %w", table, ErrParquetOnly)
	}
	q, ok := csvQueries[table]
	if !ok {
		q = "export_csv"
	}
	if strings.HasSuffix(path, ".gz") {
		return d.exportGzip(ctx, q, table, path)
	}
	return d.export(ctx, q, table, path, nil)
}

// export has DuckDB write the table to a temporary file beside path, then
// syncs it and renames it into place, so a reader never sees half a file.
// check, when not nil, reads the temporary file first; its error leaves
// path as it was.
func (d *DB) export(ctx context.Context, query, table, path string, check func(written string) error) error {
	if !slices.Contains(Tables, table) {
		return fmt.Errorf("export %q: %w", table, ErrUnknownTable)
	}
	p, err := schemas.CreatePending(path)
	if err != nil {
		return fmt.Errorf("export %s: %w", table, err)
	}
	defer p.Abort()
	if err := d.Exec(ctx, query, sql.Named("table", table), sql.Named("path", p.Name())); err != nil {
		return fmt.Errorf("export %s: %w", table, err)
	}
	if check != nil {
		if err := check(p.Name()); err != nil {
			return fmt.Errorf("export %s: %w", table, err)
		}
	}
	if err := commitWritten(p); err != nil {
		return fmt.Errorf("export %s: %w", table, err)
	}
	return nil
}

// commitWritten commits p, a pending file DuckDB wrote by its name:
// DuckDB wrote through its own handle, so p's is reopened first, and
// Commit syncs the bytes DuckDB wrote rather than an empty file.
func commitWritten(p *schemas.PendingFile) error {
	f, err := os.OpenFile(p.Name(), os.O_RDWR, 0)
	if err != nil {
		return err
	}
	p.File.Close()
	p.File = f
	return p.Commit()
}

// exportGzip has DuckDB write the table as plain CSV to a temporary file
// beside path and compresses it, as DuckDB writes it, into a second
// temporary file, which is synced and renamed into place; the plain file
// is removed. DuckDB's own COPY (COMPRESSION gzip) was several times
// slower than its plain export, where Go's compression (newGzip) costs
// about as much again as DuckDB's writing; reading the plain file as it
// grows runs the two side by side instead of one after the other
// (BENCHMARKS.md, "The release's files written as DuckDB writes them").
// Both temporary names begin
// schemas.TempPrefix(base), as the crash clean-ups expect.
func (d *DB) exportGzip(ctx context.Context, query, table, path string) error {
	if !slices.Contains(Tables, table) {
		return fmt.Errorf("export %q: %w", table, ErrUnknownTable)
	}
	plain, err := schemas.CreatePending(path)
	if err != nil {
		return fmt.Errorf("export %s: %w", table, err)
	}
	// Never committed: Abort removes the plain CSV once it is compressed,
	// or on failure.
	defer plain.Abort()
	p, err := schemas.CreatePending(path)
	if err != nil {
		return fmt.Errorf("export %s: %w", table, err)
	}
	defer p.Abort()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// The export queries write straight to the file they are given
	// (USE_TMP_FILE false), appending, so plain.File, opened on it
	// before DuckDB starts, reads what DuckDB has written so far.
	var copyErr error
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		copyErr = d.Exec(ctx, query, sql.Named("table", table), sql.Named("path", plain.Name()))
	}()
	err = gzipGrowing(ctx, plain.File, copied, p, strings.TrimSuffix(filepath.Base(path), ".gz"))
	if err != nil {
		// Stop DuckDB: the plain file is removed only once nothing
		// writes to it.
		cancel()
	}
	<-copied
	// DuckDB's error comes first: a compression stopped by it would only
	// say it was stopped.
	if err := cmp.Or(copyErr, err); err != nil {
		return fmt.Errorf("export %s: %w", table, err)
	}
	if err := p.Commit(); err != nil {
		return fmt.Errorf("export %s: %w", table, err)
	}
	return nil
}

// gzipLevel is the level of klauspost/compress's gzip at which the
// release's CSV files come out the size compress/gzip makes them at its
// default level, in less time: the comparisons of five million rows 0.5%
// larger in 84% of the time, where level 7 is 4% larger and level 9
// slower than compress/gzip (BENCHMARKS.md, "The gzipped CSVs at about
// the same size in less CPU").
const gzipLevel = 8

// newGzip returns a writer of one gzip member at gzipLevel into w, naming
// the original name in the header (gzip -N restores it) and no
// modification time, so the same table compresses to the same bytes in
// every release.
func newGzip(w io.Writer, name string) (*gzip.Writer, error) {
	zw, err := gzip.NewWriterLevel(w, gzipLevel)
	if err != nil {
		return nil, err
	}
	zw.Name = name
	// The header's time is 0, for none. This writer, unlike
	// compress/gzip's, writes a zero time.Time's seconds as they are,
	// which read back as a day in 2042.
	zw.ModTime = time.Unix(0, 0)
	return zw, nil
}

// gzipGrowing compresses what another writer appends to in into w
// (newGzip). in is read as it grows until done is closed, when the writer
// has finished, and then to its end.
func gzipGrowing(ctx context.Context, in io.Reader, done <-chan struct{}, w io.Writer, name string) error {
	zw, err := newGzip(w, name)
	if err != nil {
		return err
	}
	buf := make([]byte, 1<<20)
	finished := false
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, rerr := in.Read(buf)
		if _, err := zw.Write(buf[:n]); err != nil {
			return fmt.Errorf("compress: %w", err)
		}
		if rerr != nil && rerr != io.EOF {
			return fmt.Errorf("read plain CSV: %w", rerr)
		}
		if n > 0 || rerr == nil {
			continue
		}
		// At the end of what is written so far: done, or wait for more.
		// DuckDB writes in large blocks, so a short wait costs little.
		if finished {
			break
		}
		select {
		case <-done:
			// Everything the writer wrote is in the file now: read it to
			// the end once more.
			finished = true
		case <-time.After(5 * time.Millisecond):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("compress: %w", err)
	}
	return nil
}

// WriteRelease writes the public tables, as Build left them, to a new
// DuckDB file at path, which must not exist unless Build made it (below).
// Build works in this database by loading raw figures and then hiding
// some with UPDATE, and DuckDB keeps what an UPDATE or DELETE replaced in
// free blocks that anyone with the file can decode; so the release file
// is a new one that only ever receives inserts of the finished tables,
// and whose checkpoints do not merge row groups, which would free the
// blocks they were first written to (release_no_vacuum.sql).
// WriteRelease then checks the file holds no free blocks and returns an
// error wrapping ErrNotClean if it does. When Build made the file and
// wrote the comparisons into it (BuildInput.Release), path must be that
// file's, and WriteRelease adds the other tables to it.
func (d *DB) WriteRelease(ctx context.Context, path string) (err error) {
	built := d.release
	if built != "" && built != path {
		return fmt.Errorf("write release database: Build wrote the comparisons into %s, not %s", built, path)
	}
	s, err := d.session(ctx)
	if err != nil {
		return fmt.Errorf("write release database: %w", err)
	}
	defer s.close()
	if built == "" {
		if err := s.createRelease(ctx, path); err != nil {
			return fmt.Errorf("write release database: %w", err)
		}
	}
	// The file is finished or given up now, either way: Build's
	// comparisons are not written twice.
	d.release = ""
	detached := false
	defer func() {
		if !detached {
			s.detachRelease(context.WithoutCancel(ctx))
		}
		if built != "" {
			s.exec(context.WithoutCancel(ctx), "comparisons_release_drop")
		}
	}()
	if err := s.exec(ctx, "keep_insertion_order"); err != nil {
		return fmt.Errorf("write release database: %w", err)
	}
	if err := s.exec(ctx, "write_release"); err != nil {
		return fmt.Errorf("write release database: %w", err)
	}
	if built == "" {
		if err := s.exec(ctx, "write_release_comparisons"); err != nil {
			return fmt.Errorf("write release database: %w", err)
		}
	}
	// Detaching checkpoints the file and closes it; the check reads the
	// file as a reader opening it would find it.
	if err := s.detachRelease(ctx); err != nil {
		return fmt.Errorf("write release database: %w", err)
	}
	if err := s.attachRelease(ctx, path, true); err != nil {
		return err
	}
	var total, used, free int64
	rows, err := s.query(ctx, "database_size")
	if err != nil {
		return fmt.Errorf("write release database: %w", err)
	}
	for rows.Next() {
		err = rows.Scan(&total, &used, &free)
	}
	if err = errors.Join(err, rows.Err(), rows.Close()); err != nil {
		return fmt.Errorf("write release database: database_size: %w", err)
	}
	detached = true
	if err := s.detachRelease(ctx); err != nil {
		return fmt.Errorf("write release database: %w", err)
	}
	if total == 0 {
		return fmt.Errorf("write release database: %s has no blocks", path)
	}
	if free != 0 || used != total {
		return fmt.Errorf("%w: %s has %d free of %d blocks", ErrNotClean, path, free, total)
	}
	return nil
}

// createRelease makes the release database at path, which must not
// exist, and attaches it as release.
func (s *session) createRelease(ctx context.Context, path string) error {
	if err := CheckPath(path); err != nil {
		return err
	}
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("%s exists already", path)
	}
	if err := s.exec(ctx, "release_no_vacuum"); err != nil {
		return err
	}
	if err := s.attachRelease(ctx, path, false); err != nil {
		s.exec(context.WithoutCancel(ctx), "release_vacuum")
		return err
	}
	return nil
}

// detachRelease detaches the release database (detach_release.sql) and
// lets checkpoints merge row groups again whether or not the detach
// succeeded (release_vacuum.sql), returning the first error.
func (s *session) detachRelease(ctx context.Context) error {
	err := s.exec(ctx, "detach_release")
	return errors.Join(err, s.exec(context.WithoutCancel(ctx), "release_vacuum"))
}

// attachRelease attaches the database file at path as release. ATTACH
// takes no bound parameters, so the path, which the release builder chose
// and no user supplied, is written into the statement as a quoted string.
func (s *session) attachRelease(ctx context.Context, path string, readOnly bool) error {
	q := "ATTACH " + quoteString(path) + " AS release"
	if readOnly {
		q += " (READ_ONLY)"
	}
	if _, err := s.conn.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("attach release database: %w", err)
	}
	return nil
}

// quoteString returns s as a SQL string literal.
func quoteString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
