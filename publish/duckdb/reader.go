package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/yardstick-open/yardstick/schemas"
)

// ErrNotFound is returned, wrapped, when a finder is asked for a metric,
// period, council, provider or table the release does not hold.
var ErrNotFound error = &schemas.Error{Code: schemas.ENOTFOUND, Message: "not found"}

// The engine limits OpenRelease uses where Options leave them zero: small,
// since a server answers many small, paged queries at once, and a reader
// only looks rows up, where a build joins and sorts whole tables.
const (
	DefaultReaderThreads     = 2
	DefaultReaderMemoryLimit = "1GB"
)

// Reader reads a release's yardstick.duckdb through typed finders. It is
// safe for concurrent use by many goroutines: database/sql pools DuckDB
// connections, and every setting is database-wide, fixed when the file is
// opened, so no connection carries state another could miss.
//
// No method takes SQL: each finder runs one embedded query with its values
// bound as parameters.
type Reader struct {
	db        *sql.DB
	connector *duckdb.Connector
	// batchRows, when above 0, is how many rows EachSiteRow and a
	// ProfileReader read at most in one query in place of siteBatchRows
	// and profileBatchRows: tests make it small.
	batchRows int
}

// ColumnInfo is a column of a table in the release file.
type ColumnInfo struct {
	Name string
	// Type is the DuckDB type as DuckDB writes it: VARCHAR, BIGINT,
	// VARCHAR[] (schemas.ColumnType.SQLType gives the expected one).
	Type string
}

// OpenRelease opens the release database at path for reading. The file is
// always opened read-only, whatever opts.ReadOnly says, with:
//
//   - enable_external_access = false, so no query reads or writes any file
//     but the database and its temp folder (read_csv, read_parquet, COPY,
//     ATTACH fail);
//   - extensions neither installed nor loaded automatically, and community
//     extensions refused;
//   - no temp folder, so that nothing spills to disk beside an immutable
//     release (DuckDB's default is a folder beside the file, and
//     max_temp_directory_size = 0 did not stop it spilling there): a query
//     over the memory limit fails instead; unless opts.TempDir names one, as
//     a publish does for its website's reader, which then spills there;
//   - opts.Threads threads (DefaultReaderThreads when 0) and a memory limit
//     of opts.MemoryLimit (DefaultReaderMemoryLimit when ""); a reader with
//     a temp folder, a build's, also hands freed memory back to the system
//     sooner, as Open does under a limit, since it shares the build's;
//   - lock_configuration = true, so no statement can change any of this.
//
// The settings are DuckDB configuration given when the database starts
// (the driver passes the DSN's query parameters to duckdb_set_config),
// but for the temp folder, external access and the lock: the driver
// applies a DSN's settings in no fixed order, and DuckDB refuses a temp
// folder once external access is off, so these three are SET statements,
// in that order, run as the database's first connection opens.
// OpenRelease reads them back and refuses a database that does not have
// them. Each query is interrupted when its context ends.
//
// DuckDB shares one instance per file within a process, so OpenRelease
// fails while the same file is open with other settings, such as by Open.
func OpenRelease(ctx context.Context, path string, opts Options) (*Reader, error) {
	threads, limit, err := readerLimits(opts)
	if err != nil {
		return nil, fmt.Errorf("open release: %w", err)
	}
	if path == "" {
		return nil, errors.New("open release: no database file given")
	}
	if err := CheckPath(path); err != nil {
		return nil, fmt.Errorf("open release: %w", err)
	}
	config := url.Values{
		"access_mode":                  {"READ_ONLY"},
		"autoload_known_extensions":    {"false"},
		"autoinstall_known_extensions": {"false"},
		"allow_community_extensions":   {"false"},
		"threads":                      {strconv.Itoa(threads)},
		"memory_limit":                 {limit},
	}
	if opts.TempDir != "" {
		// A build's reader shares the build's memory limit: as Open does
		// under a limit (set_allocator.sql), freed memory goes back to
		// the system sooner. A server's keeps it for reuse (README).
		config.Set("allocator_flush_threshold", "8MB")
		config.Set("allocator_background_threads", "true")
	}
	// The temp folder, external access and the lock are set on the
	// database's first connection, in that order (reader_lock.sql), and
	// checkSettings reads them back. Later connections need nothing set:
	// the settings are the database's.
	var mu sync.Mutex
	first := true
	init := func(ex driver.ExecerContext) error {
		mu.Lock()
		defer mu.Unlock()
		if !first {
			return nil
		}
		ctx := context.Background()
		for _, q := range []struct {
			name string
			args []driver.NamedValue
		}{
			{"set_temp_directory", []driver.NamedValue{{Name: "dir", Ordinal: 1, Value: opts.TempDir}}},
			{"reader_lock", nil},
		} {
			text, err := lookup(q.name)
			if err != nil {
				return err
			}
			if _, err := ex.ExecContext(ctx, text, q.args); err != nil {
				// DuckDB shares one instance per file within a process: a
				// release another reader opened is locked already, and
				// checkSettings reads back whether it has these settings.
				if strings.Contains(err.Error(), "configuration has been locked") {
					break
				}
				return fmt.Errorf("%s: %w", q.name, err)
			}
		}
		first = false
		return nil
	}
	connector, err := duckdb.NewConnector(path+"?"+config.Encode(), init)
	if err != nil {
		return nil, fmt.Errorf("open release %s: %w", path, err)
	}
	r := &Reader{db: sql.OpenDB(connector), connector: connector}
	if err := r.checkSettings(ctx, threads, opts.TempDir); err != nil {
		r.Close()
		return nil, fmt.Errorf("open release %s: %w", path, err)
	}
	return r, nil
}

// readerLimits returns the thread count and memory limit a reader uses.
func readerLimits(opts Options) (int, string, error) {
	threads, limit := opts.Threads, strings.TrimSpace(opts.MemoryLimit)
	if threads < 0 {
		return 0, "", fmt.Errorf("threads must not be negative, got %d", threads)
	}
	if threads == 0 {
		threads = DefaultReaderThreads
	}
	if limit == "" {
		limit = DefaultReaderMemoryLimit
	}
	if !ValidMemoryLimit(limit) {
		return 0, "", fmt.Errorf("memory limit %q is not a size such as 2GB or 512MiB", limit)
	}
	return threads, limit, nil
}

// checkSettings confirms that DuckDB applied the settings OpenRelease
// asked for; a driver that dropped them would otherwise leave the file
// writable and the file system open, silently.
func (r *Reader) checkSettings(ctx context.Context, threads int, tempDir string) error {
	const name = "reader_settings"
	q, err := lookup(name)
	if err != nil {
		return err
	}
	var (
		access, temp                                 string
		external, locked, autoload, autoinstall, com bool
		gotThreads                                   int
	)
	err = r.db.QueryRowContext(ctx, q).Scan(&access, &external, &locked, &autoload, &autoinstall, &com, &gotThreads, &temp)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if access != "read_only" || external || !locked || autoload || autoinstall || com || gotThreads != threads || temp != tempDir {
		return fmt.Errorf("%s: DuckDB did not apply the reader's settings: access_mode %s, enable_external_access %t, "+
			"lock_configuration %t, autoload_known_extensions %t, autoinstall_known_extensions %t, "+
			"allow_community_extensions %t, threads %d (want %d), temp_directory %q (want %q)", name, access, external, locked, autoload,
			autoinstall, com, gotThreads, threads, temp, tempDir)
	}
	return nil
}

// Close closes the database.
func (r *Reader) Close() error {
	err := r.db.Close()
	if cerr := r.connector.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("close release: %w", err)
	}
	return nil
}

// query runs the embedded query name with args bound as parameters.
func (r *Reader) query(ctx context.Context, name string, args ...any) (*sql.Rows, error) {
	return queryNamed(ctx, r.db, name, args...)
}

// collectRows runs the embedded query name and scans each row with scan. It
// returns an empty slice, not nil, when there are no rows, so that a JSON
// body shows [].
func collectRows[T any](ctx context.Context, r *Reader, name string, scan func(*sql.Rows, *T) error, args ...any) ([]T, error) {
	rows, err := r.query(ctx, name, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		var v T
		if err := scan(rows, &v); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return out, nil
}

// Counts returns the release's sizes: its observations and comparison
// rows, its metrics, the councils, providers (provider_id not empty) and
// periods with observations, the submissions with rows in it, and its
// changes from the previous release by kind.
func (r *Reader) Counts(ctx context.Context) (schemas.Counts, error) {
	var c schemas.Counts
	rows, err := collectRows(ctx, r, "reader_counts", func(rows *sql.Rows, c *schemas.Counts) error {
		return rows.Scan(&c.Observations, &c.Comparisons, &c.Metrics, &c.Councils, &c.Providers, &c.Periods,
			&c.Submissions, &c.Revised, &c.Added, &c.Withdrawn, &c.NowHidden, &c.NowShown)
	}, sql.Named("revised", schemas.ChangeRevised), sql.Named("added", schemas.ChangeAdded),
		sql.Named("withdrawn", schemas.ChangeWithdrawn), sql.Named("withheld", schemas.ChangeWithheld),
		sql.Named("shown", schemas.ChangeShown))
	if err != nil {
		return c, err
	}
	if len(rows) != 1 {
		return c, fmt.Errorf("reader_counts: %d rows, want 1", len(rows))
	}
	return rows[0], nil
}

// Submissions returns the submissions table, by id.
func (r *Reader) Submissions(ctx context.Context) ([]schemas.Submission, error) {
	return collectRows(ctx, r, "reader_submissions", func(rows *sql.Rows, s *schemas.Submission) error {
		return rows.Scan(&s.ID, scanText(&s.CouncilCode), &s.ReceivedAt, &s.Rows, &s.CurrentRows)
	})
}

// Revisions returns the figures the previous release published with other
// numbers (changes of kind schemas.ChangeRevised), in observation-key
// order.
func (r *Reader) Revisions(ctx context.Context) ([]schemas.Revision, error) {
	return collectRows(ctx, r, "reader_changes", func(rows *sql.Rows, v *schemas.Revision) error {
		return rows.Scan(append(keyDest(&v.ObservationKey), append(figureDest(&v.Old), figureDest(&v.New)...)...)...)
	}, sql.Named("change", schemas.ChangeRevised))
}

// Withdrawals returns the observations of the previous release that this
// one does not have (changes of kind schemas.ChangeWithdrawn), in
// observation-key order.
func (r *Reader) Withdrawals(ctx context.Context) ([]schemas.Withdrawal, error) {
	return collectRows(ctx, r, "reader_changes", func(rows *sql.Rows, v *schemas.Withdrawal) error {
		var unused schemas.Figure
		return rows.Scan(append(keyDest(&v.ObservationKey), append(figureDest(&v.Old), figureDest(&unused)...)...)...)
	}, sql.Named("change", schemas.ChangeWithdrawn))
}

// Periods returns the periods with observations, earliest first (a year
// before the quarters it starts with).
func (r *Reader) Periods(ctx context.Context) ([]schemas.PeriodRow, error) {
	return collectRows(ctx, r, "reader_periods", func(rows *sql.Rows, p *schemas.PeriodRow) error {
		return rows.Scan(&p.Period, scanText(&p.Kind), &p.PeriodStart, &p.PeriodEnd, scanText(&p.Previous), scanText(&p.YearEarlier))
	})
}

// SimilarCouncilsMethod returns how the release chose similar councils
// (NearestNeighboursMethod or PeerGroupsMethod), or "" when it has none.
// A release whose table mixes methods is an error.
func (r *Reader) SimilarCouncilsMethod(ctx context.Context) (string, error) {
	methods, err := collectRows(ctx, r, "reader_similar_method", func(rows *sql.Rows, m *string) error {
		return rows.Scan(scanText(m))
	})
	switch {
	case err != nil:
		return "", err
	case len(methods) == 0:
		return "", nil
	case len(methods) > 1:
		return "", fmt.Errorf("reader_similar_method: similar councils chosen by %d methods (%s), want one",
			len(methods), strings.Join(methods, ", "))
	}
	return methods[0], nil
}

// Tables returns the names of the tables and views in the release file, in
// order of name.
func (r *Reader) Tables(ctx context.Context) ([]string, error) {
	return collectRows(ctx, r, "reader_tables", func(rows *sql.Rows, s *string) error {
		return rows.Scan(s)
	})
}

// Columns returns the columns of the named table of the release file, in
// order. A table the file does not hold is ErrNotFound.
func (r *Reader) Columns(ctx context.Context, table string) ([]ColumnInfo, error) {
	cols, err := collectRows(ctx, r, "reader_columns", func(rows *sql.Rows, c *ColumnInfo) error {
		return rows.Scan(&c.Name, &c.Type)
	}, sql.Named("table", table))
	if err != nil {
		return nil, err
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("table %q: %w", table, ErrNotFound)
	}
	return cols, nil
}
