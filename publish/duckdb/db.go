package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// ErrUnknownQuery is returned, wrapped, when a query name has no embedded
// queries/<name>.sql file.
var ErrUnknownQuery = errors.New("unknown query")

// ErrUnknownTable is returned, wrapped, when a table named for export is not
// one this package builds.
var ErrUnknownTable = errors.New("unknown table")

//go:embed queries/*.sql
var queryFiles embed.FS

// queries maps a query's name (its file name without .sql) to its text. The
// files are read once at start-up; a missing or unreadable folder is a build
// error, so a panic here can only mean a broken binary.
var queries = func() map[string]string {
	entries, err := fs.ReadDir(queryFiles, "queries")
	if err != nil {
		panic(err)
	}
	m := make(map[string]string, len(entries))
	for _, e := range entries {
		b, err := fs.ReadFile(queryFiles, path.Join("queries", e.Name()))
		if err != nil {
			panic(err)
		}
		m[strings.TrimSuffix(e.Name(), ".sql")] = string(b)
	}
	return m
}()

func lookup(name string) (string, error) {
	q, ok := queries[name]
	if !ok {
		return "", fmt.Errorf("%w %q", ErrUnknownQuery, name)
	}
	return q, nil
}

// Options tune the DuckDB engine. The zero value leaves DuckDB's defaults
// (all cores, 80% of memory).
type Options struct {
	// Threads caps the worker threads; 0 keeps DuckDB's default.
	Threads int
	// MemoryLimit caps DuckDB's memory, as DuckDB writes it: "2GB",
	// "512MiB"; "" keeps the default. With a limit, DuckDB also hands
	// freed memory back to the system sooner (set_allocator.sql), since
	// its limit does not cover all it holds.
	MemoryLimit string
	// ReadOnly opens the database file read-only, as a server does with a
	// published release.
	ReadOnly bool
	// KeepOrder keeps preserve_insertion_order on, so a table is read in
	// the order it is stored, as the exports from a release file, whose
	// tables WriteRelease stored sorted, rely on. Otherwise it is off:
	// Yardstick sorts what it needs sorted, and the setting costs memory on
	// large loads.
	KeepOrder bool
	// TempDir is where DuckDB spills what does not fit in memory; ""
	// keeps DuckDB's default (beside a database file, or .tmp in the
	// working folder for one in memory) for Open, and none for
	// OpenRelease, whose reader then never spills.
	TempDir string
}

// IsOutOfMemory reports whether err is DuckDB running out of the memory
// its limit allows (Options.MemoryLimit), so a command can say which
// setting to raise rather than DuckDB's advice about SQL settings.
func IsOutOfMemory(err error) bool {
	var de *duckdb.Error
	if errors.As(err, &de) && de.Type == duckdb.ErrorTypeOutOfMemory {
		return true
	}
	// The appender reports it only as text.
	return err != nil && strings.Contains(err.Error(), "could not allocate block")
}

// ValidMemoryLimit reports whether s is a memory limit Options takes: a
// size as DuckDB writes it, such as 2GB or 512MiB (parseSize).
func ValidMemoryLimit(s string) bool {
	_, err := parseSize(s)
	return err == nil
}

// ShareMemoryLimit returns the part of limit (a size ValidMemoryLimit
// takes) that each of parts databases open at once gets, so that together
// they hold no more than limit: limit itself for one, "" (each database's
// default) for "".
func ShareMemoryLimit(limit string, parts int) (string, error) {
	limit = strings.TrimSpace(limit)
	if limit == "" || parts <= 1 {
		return limit, nil
	}
	n, err := parseSize(limit)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d bytes", n/int64(parts)), nil
}

// ErrPathSettings is returned, wrapped, for a database path DuckDB
// cannot open as it is named (CheckPath).
var ErrPathSettings = errors.New("DuckDB cannot open a database whose path holds ? or #")

// CheckPath returns an error wrapping ErrPathSettings when path holds ?
// or #. The driver reads everything after ? as settings, and url.Parse
// drops everything after #, settings included, so such a path would open
// another file, or the file without its settings; ATTACH, too, takes what
// follows ? as options (a data folder named "Returns?" had DuckDB look for
// its write-ahead log in "Returns.wal?/…"). The error says what to do.
func CheckPath(path string) error {
	if strings.ContainsAny(path, "?#") {
		return fmt.Errorf("%w: %q; rename or move the folder so that its path has neither", ErrPathSettings, path)
	}
	return nil
}

// DB is a DuckDB database: an in-memory one for scratch work, or a file
// such as a release's yardstick.duckdb.
type DB struct {
	db        *sql.DB
	connector *duckdb.Connector
	// memoryGiven is Options.MemoryLimit as given ("" for DuckDB's
	// default), which a session puts back after lowering it (lendMemory):
	// DuckDB shows its limit rounded down, so it cannot be read back
	// exactly.
	memoryGiven string
	// release is the path of the release database Build wrote the
	// comparisons into (BuildInput.Release), still attached as release,
	// which WriteRelease completes; "" when Build kept them here.
	release string
}

// Open opens the DuckDB database at path ("" for an in-memory database).
// The first connection DuckDB opens applies the settings in opts to the
// database, and, unless opts.KeepOrder, turns off
// preserve_insertion_order, which costs memory on large loads; every
// connection sets its time zone. The driver shares one DuckDB instance
// between Opens of the same file, so a second Open of a file still open
// applies its opts to the first's database too; nothing opens a file
// twice at once.
func Open(ctx context.Context, path string, opts Options) (*DB, error) {
	if opts.Threads < 0 {
		return nil, fmt.Errorf("open duckdb: threads must not be negative, got %d", opts.Threads)
	}
	if opts.MemoryLimit != "" && !ValidMemoryLimit(opts.MemoryLimit) {
		return nil, fmt.Errorf("open duckdb: memory limit %q is not a size such as 2GB or 512MiB", opts.MemoryLimit)
	}
	if path != "" {
		if err := CheckPath(path); err != nil {
			return nil, fmt.Errorf("open duckdb: %w", err)
		}
	}
	dsn := path
	if opts.ReadOnly {
		if path == "" {
			return nil, errors.New("open duckdb: a read-only database needs a file")
		}
		dsn += "?" + url.Values{"access_mode": {"READ_ONLY"}}.Encode()
	}
	// All the settings but the time zone are the whole database's, so
	// only the first connection applies them: a later one would undo
	// what a session changed since (the memory lent by lendMemory,
	// preserve_insertion_order turned on by keepingOrder or
	// WriteRelease), and DuckDB refuses to set temp_directory again once
	// it has spilled there, so a connection the pool opened after a spill
	// would fail. The first connection is Open's own ping, so a failed
	// init fails Open.
	var mu sync.Mutex
	first := true
	connector, err := duckdb.NewConnector(dsn, func(ex driver.ExecerContext) error {
		mu.Lock()
		defer mu.Unlock()
		// Not Open's ctx: the pool opens connections long after Open returns.
		if err := initConn(context.Background(), ex, opts, first); err != nil {
			return err
		}
		first = false
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("open duckdb: %w", err)
	}
	db := sql.OpenDB(connector)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open duckdb: %w", err)
	}
	return &DB{db: db, connector: connector, memoryGiven: strings.TrimSpace(opts.MemoryLimit)}, nil
}

// initConn applies opts to a new connection: the time zone, and, on the
// database's first connection, the settings that are the database's.
func initConn(ctx context.Context, ex driver.ExecerContext, opts Options, first bool) error {
	run := func(name string, args ...driver.NamedValue) error {
		q, err := lookup(name)
		if err != nil {
			return err
		}
		if _, err := ex.ExecContext(ctx, q, args); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		return nil
	}
	if err := run("set_timezone"); err != nil {
		return err
	}
	if !first {
		return nil
	}
	if opts.Threads > 0 {
		if err := run("set_threads", driver.NamedValue{Name: "threads", Ordinal: 1, Value: int64(opts.Threads)}); err != nil {
			return err
		}
	}
	if opts.MemoryLimit != "" {
		if err := run("set_memory_limit", driver.NamedValue{Name: "limit", Ordinal: 1, Value: strings.TrimSpace(opts.MemoryLimit)}); err != nil {
			return err
		}
		if err := run("set_allocator"); err != nil {
			return err
		}
	}
	if opts.TempDir != "" {
		if err := run("set_temp_directory", driver.NamedValue{Name: "dir", Ordinal: 1, Value: opts.TempDir}); err != nil {
			return err
		}
	}
	if opts.KeepOrder {
		return nil
	}
	return run("set_preserve_insertion_order")
}

// Close closes the database; a file database is checkpointed first.
func (d *DB) Close() error {
	err := d.db.Close()
	if cerr := d.connector.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("close duckdb: %w", err)
	}
	return nil
}

// Exec runs the embedded query name with args bound as parameters (use
// sql.Named for a query's $name parameters).
func (d *DB) Exec(ctx context.Context, name string, args ...any) error {
	_, err := execNamed(ctx, d.db, name, args...)
	return err
}

// Query runs the embedded query name with args bound as parameters and
// returns its rows, which the caller must close.
func (d *DB) Query(ctx context.Context, name string, args ...any) (*sql.Rows, error) {
	return queryNamed(ctx, d.db, name, args...)
}

// runner is what runs SQL: a *sql.DB, whose pool picks a connection, or a
// *sql.Conn held for a session.
type runner interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// execNamed runs the embedded query name on db with args bound as
// parameters; an error names the query.
func execNamed(ctx context.Context, db runner, name string, args ...any) (sql.Result, error) {
	return execWrapped(ctx, db, name, nil, args...)
}

// execWrapped runs, as execNamed does, the statement wrap makes of the
// embedded query name's text (a CREATE TABLE AS or an INSERT around a
// query); nil runs the query as it is. It is timed, and an error named,
// as the query.
func execWrapped(ctx context.Context, db runner, name string, wrap func(query string) string, args ...any) (sql.Result, error) {
	q, err := lookup(name)
	if err != nil {
		return nil, err
	}
	if wrap != nil {
		q = wrap(q)
	}
	defer timed(ctx, name)()
	res, err := db.ExecContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return res, nil
}

// queryNamed runs the embedded query name on db with args bound as
// parameters and returns its rows; an error names the query.
func queryNamed(ctx context.Context, db runner, name string, args ...any) (*sql.Rows, error) {
	q, err := lookup(name)
	if err != nil {
		return nil, err
	}
	defer timed(ctx, name)()
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return rows, nil
}

// session is one connection for a sequence of statements that share
// temporary tables, used by one goroutine at a time. A *sql.Conn is not
// safe for concurrent use, so a session is never shared: readAuditMembers
// hands it to the goroutine that reads the audit's members and takes it
// back once that goroutine has ended.
type session struct {
	conn *sql.Conn
	// logf, when set, hears of each step of a build as it finishes
	// (BuildInput.Logf); done writes to it.
	logf func(format string, args ...any)
	// compactTables makes compact checkpoint (BuildInput.Compact).
	compactTables bool
	// memoryGiven is the memory limit the database was opened with ("" for
	// DuckDB's default), which lendMemory puts back.
	memoryGiven string
	// auditBatch, set only by this package's tests, replaces the members
	// a batch of the interval audit is given (auditBatches).
	auditBatch int64
	// linkSlice, set only by this package's tests, replaces the members
	// a slice of history_link_parts.sql is given (linkSigs).
	linkSlice int64
	// loadBatch, set only by this package's tests (BuildInput's
	// batchRows), replaces the rows a batch of loadRows, and of
	// joinBatches, is given.
	loadBatch int64
	// audit keeps the interval audit's findings from suppression's
	// rounds to the final check, by unit (a council, service and family
	// of metrics that share counts) and by component, so that each audit
	// reads and solves again only the units in which a cell changed since
	// the last. A session that did not suppress (a check of a release
	// file alone) starts with none.
	audit auditCache
	// linksKept says suppression built disclosure_links in this session
	// and left it for the check (linksForCheck).
	linksKept bool
}

// keepingOrder runs fn with preserve_insertion_order on, so that an
// INSERT it runs stores its rows in the order its query sorts them, and
// then puts the setting back as it was, even when fn failed. The setting
// is DuckDB's for the whole database, so another session running
// meanwhile keeps order too: a cost, never a different result, since
// what must come sorted is sorted by its query. No session turns it off
// meanwhile (a new pooled connection leaves the setting as it is,
// initConn), which would only store fn's rows less sorted.
func (s *session) keepingOrder(ctx context.Context, fn func() error) error {
	kept, err := s.flag(ctx, "insertion_order_kept")
	if err != nil {
		return err
	}
	if kept {
		return fn()
	}
	if err := s.exec(ctx, "keep_insertion_order"); err != nil {
		return err
	}
	err = fn()
	return errors.Join(err, s.exec(context.WithoutCancel(ctx), "set_preserve_insertion_order"))
}

// done reports a finished step of a build, what it did and how long it
// took since start, to the build's log, if it has one.
func (s *session) done(start time.Time, format string, args ...any) {
	if s.logf == nil {
		return
	}
	s.logf("%s in %.1fs", fmt.Sprintf(format, args...), time.Since(start).Seconds())
}

// tableRows returns how many rows table holds, for the build's log.
func (s *session) tableRows(ctx context.Context, table string) (int64, error) {
	rows, err := s.query(ctx, "count_rows", sql.Named("table", table))
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var n int64
	if rows.Next() {
		if err := rows.Scan(&n); err != nil {
			return 0, fmt.Errorf("count_rows %s: %w", table, err)
		}
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("count_rows %s: %w", table, err)
	}
	return n, nil
}

func (d *DB) session(ctx context.Context) (*session, error) {
	c, err := d.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("duckdb connection: %w", err)
	}
	return &session{conn: c, memoryGiven: d.memoryGiven}, nil
}

func (s *session) close() error { return s.conn.Close() }

func (s *session) exec(ctx context.Context, name string, args ...any) error {
	_, err := execNamed(ctx, s.conn, name, args...)
	return err
}

// execWrapped runs the statement wrap makes of the embedded query name
// (execWrapped).
func (s *session) execWrapped(ctx context.Context, name string, wrap func(query string) string, args ...any) error {
	_, err := execWrapped(ctx, s.conn, name, wrap, args...)
	return err
}

// execCount runs the embedded query name and returns how many rows it
// changed.
func (s *session) execCount(ctx context.Context, name string, args ...any) (int64, error) {
	return s.execCountWrapped(ctx, name, nil, args...)
}

// execCountWrapped runs, as execCount does, the statement wrap makes of
// the embedded query name, and returns how many rows it changed.
func (s *session) execCountWrapped(ctx context.Context, name string, wrap func(query string) string, args ...any) (int64, error) {
	res, err := execWrapped(ctx, s.conn, name, wrap, args...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("%s: %w", name, err)
	}
	return n, nil
}

// scanRow runs the embedded query name with args and scans its one row
// into dest.
func (s *session) scanRow(ctx context.Context, name string, args []any, dest ...any) error {
	q, err := lookup(name)
	if err != nil {
		return err
	}
	defer timed(ctx, name)()
	if err := s.conn.QueryRowContext(ctx, q, args...).Scan(dest...); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// query runs the embedded query name and returns its rows. DuckDB hands
// the driver a query's whole result before its first row (duckdb-go runs
// a statement to completion, not as a stream), held in memory beyond what
// DuckDB's limit spills, so a query whose result may be large is read in
// slices (the interval audit's batches, linkSigs' slices of gids): at
// twenty million rows under a 2GB limit one read of every member of the
// audit took the process from 2.3 to 4.1 GB.
func (s *session) query(ctx context.Context, name string, args ...any) (*sql.Rows, error) {
	return queryNamed(ctx, s.conn, name, args...)
}

// appendRows bulk-loads rows into table through DuckDB's appender, which
// takes values, never SQL.
func (s *session) appendRows(ctx context.Context, table string, rows [][]driver.Value) error {
	return s.appendEach(ctx, table, func(add func(row ...driver.Value) error) error {
		for _, r := range rows {
			if err := add(r...); err != nil {
				return err
			}
		}
		return nil
	})
}

// appendEach bulk-loads into table, through DuckDB's appender, the rows
// fill adds one at a time, so a caller that works rows out need not hold
// them all first.
func (s *session) appendEach(ctx context.Context, table string, fill func(add func(row ...driver.Value) error) error) error {
	return s.conn.Raw(func(dc any) error {
		conn, ok := dc.(driver.Conn)
		if !ok {
			return fmt.Errorf("append %s: not a driver connection", table)
		}
		a, err := duckdb.NewAppenderFromConn(conn, "", table)
		if err != nil {
			return fmt.Errorf("append %s: %w", table, err)
		}
		if err := fill(a.AppendRow); err != nil {
			a.Close()
			return fmt.Errorf("append %s: %w", table, err)
		}
		if err := a.CloseWithCancel(ctx); err != nil {
			return fmt.Errorf("append %s: %w", table, err)
		}
		return nil
	})
}

// memoryLimit returns DuckDB's memory limit, which holds for the whole
// database, in bytes as DuckDB shows it (rounded down): the one
// Options.MemoryLimit set, or DuckDB's default, less what is lent while
// the interval audit runs (lendMemory).
func (s *session) memoryLimit(ctx context.Context) (int64, error) {
	var setting string
	rows, err := s.query(ctx, "memory_limit")
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	if rows.Next() {
		if err := rows.Scan(&setting); err != nil {
			return 0, fmt.Errorf("memory_limit: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("memory_limit: %w", err)
	}
	n, err := parseSize(setting)
	if err != nil {
		return 0, fmt.Errorf("memory_limit: %w", err)
	}
	return n, nil
}

// lendMemory lowers DuckDB's memory limit (limit, as memoryLimit read it)
// by lent bytes while the caller holds that much outside DuckDB, so that
// it is not added on top of the limit, and returns a function that puts
// back the limit the database was opened with (memoryGiven, or DuckDB's
// default), not the one DuckDB shows, which it rounds down. DuckDB evicts
// what it holds to go under the lower limit; where it cannot (what it
// holds is pinned by work in progress) the limit stays, what the caller
// holds comes on top of it, and the build's log says so, naming what for.
func (s *session) lendMemory(ctx context.Context, limit, lent int64, what string) (restore func() error, err error) {
	given := "DuckDB's default"
	if s.memoryGiven != "" {
		given = s.memoryGiven
		// The loan is taken off the limit given, not the one DuckDB shows.
		if n, err := parseSize(s.memoryGiven); err == nil {
			limit = n
		}
	}
	restore = func() error {
		// The limit comes back even when the build was cancelled.
		ctx := context.WithoutCancel(ctx)
		if s.memoryGiven == "" {
			return s.exec(ctx, "reset_memory_limit")
		}
		return s.exec(ctx, "set_memory_limit", sql.Named("limit", s.memoryGiven))
	}
	lower := fmt.Sprintf("%d bytes", limit-lent)
	if err := s.exec(ctx, "set_memory_limit", sql.Named("limit", lower)); err != nil {
		// DuckDB refused the lower limit but shows it as its setting, from
		// which the build sizes what it does next (the comparisons' batches,
		// the next audit's): the setting is put back too.
		if rerr := restore(); rerr != nil {
			return nil, errors.Join(err, rerr)
		}
		if !IsOutOfMemory(err) {
			return nil, err
		}
		if s.logf != nil {
			s.logf("DuckDB kept its memory limit (%s), since it could not free %d MB of what it holds; "+
				"%s comes on top of it: %v", given, lent>>20, what, err)
		}
		return func() error { return nil }, nil
	}
	return restore, nil
}

// parseSize reads a size as DuckDB writes and takes one: a number and a
// unit, such as "381.4 MiB", "4GB" or "512 bytes"; KB, MB, GB and TB are
// powers of 1000, KiB, MiB, GiB and TiB of 1024, as in DuckDB.
func parseSize(s string) (int64, error) {
	m := reSize.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("%q is not a size such as 2GB or 381.4 MiB", s)
	}
	n, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a size: %w", s, err)
	}
	unit := map[string]float64{"b": 1, "byte": 1, "bytes": 1,
		"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
		"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40}[strings.ToLower(m[2])]
	return int64(n * unit), nil
}

// The unit is required: DuckDB refuses a bare number ("Unknown unit for
// memory"), so a limit without one must be refused before it gets there.
var reSize = regexp.MustCompile(`(?i)^\s*(\d+(?:\.\d+)?)\s*(bytes?|b|[kmgt]i?b)\s*$`)
