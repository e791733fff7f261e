package duckdb

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/yardstick-open/yardstick/schemas"
)

// The tests here show what OpenRelease's settings refuse. Each statement
// is also run on a writable Open of another copy of the fixture, where it
// must succeed, so that a test cannot pass because the statement was
// broken rather than refused.

// openWritableFixture opens a new copy of the fixture with Open, as the
// release builder would, with DuckDB's default settings.
func openWritableFixture(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), writeReleaseFixture(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// sqlString quotes s as an SQL string literal, for the file names the
// refusal tests put in their statements.
func sqlString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

type refusal struct {
	name string
	sql  string
	// because is a part of DuckDB's message, so the statement is known to
	// fail for the reason the test is about.
	because string
	// control, when set, is run on the writable copy instead of sql, for
	// a statement that even a writable database refuses.
	control string
}

// checkRefusals runs each statement on the reader, where it must fail for
// its reason, then on the writable copy, where it must succeed.
func checkRefusals(t *testing.T, r *Reader, w *DB, tests []refusal) {
	t.Helper()
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := r.execSQL(ctx, tt.sql)
			if err == nil || !strings.Contains(err.Error(), tt.because) {
				t.Errorf("reader ran %s: error = %v, want one saying %q", tt.sql, err, tt.because)
			}
			control := tt.sql
			if tt.control != "" {
				control = tt.control
			}
			if _, err := w.db.ExecContext(ctx, control); err != nil {
				t.Errorf("a writable database could not run %s either, so the test shows nothing: %v", control, err)
			}
		})
	}
}

func TestReaderRefusesWrites(t *testing.T) {
	t.Parallel()
	r := openReleaseFixture(t)
	const readOnly = "read-only mode"
	checkRefusals(t, r, openWritableFixture(t), []refusal{
		{name: "insert", sql: "INSERT INTO metrics (id) VALUES ('new-metric')", because: readOnly},
		{name: "update", sql: "UPDATE comparisons SET value = 0", because: readOnly},
		{name: "delete", sql: "DELETE FROM changes", because: readOnly},
		{name: "create table", sql: "CREATE TABLE extra (x INTEGER)", because: readOnly},
		{name: "create view", sql: "CREATE VIEW extra_view AS SELECT 1 AS x", because: readOnly},
		{name: "alter table", sql: "ALTER TABLE councils ADD COLUMN extra INTEGER", because: readOnly},
		{name: "drop table", sql: "DROP TABLE peer_groups", because: readOnly},
	})
	// The release is as it was.
	got, err := r.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got.Metrics != 2 || got.Comparisons != 10 || got.Withdrawn != 2 {
		t.Errorf("after the refused writes, Counts() = %+v, want 2 metrics, 10 comparisons, 2 withdrawn", got)
	}
	if _, err := r.Columns(context.Background(), "extra"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Columns(extra) error = %v, want ErrNotFound", err)
	}
}

func TestReaderRefusesOutsideFiles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	csvFile := filepath.Join(dir, "secret.csv")
	if err := os.WriteFile(csvFile, []byte("id,secret\n1,swordfish\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	parquetFile := filepath.Join(dir, "secret.parquet")
	scratch, err := Open(ctx, "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = scratch.db.ExecContext(ctx, "COPY (SELECT 1 AS id, 'swordfish' AS secret) TO "+sqlString(parquetFile)+" (FORMAT parquet)")
	scratch.Close()
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.csv")

	const disabled = "disabled by configuration"
	r := openReleaseFixture(t)
	checkRefusals(t, r, openWritableFixture(t), []refusal{
		{name: "read_csv", sql: "SELECT * FROM read_csv(" + sqlString(csvFile) + ")", because: disabled},
		{name: "read_text", sql: "SELECT * FROM read_text(" + sqlString(csvFile) + ")", because: disabled},
		{name: "read_parquet", sql: "SELECT * FROM read_parquet(" + sqlString(parquetFile) + ")", because: disabled},
		{name: "a file name as a table", sql: "SELECT * FROM " + sqlString(csvFile), because: disabled},
		{name: "glob", sql: "SELECT * FROM glob(" + sqlString(filepath.Join(dir, "*")) + ")", because: disabled},
		// Run on the reader first: the file must not exist after it.
		{name: "copy to a file", sql: "COPY metrics TO " + sqlString(out), because: disabled},
	})
	// The writable copy wrote out.csv; the reader must not have, which
	// the refusal above already says, but a file is plainer evidence.
	if _, err := os.Stat(out); err != nil {
		t.Errorf("the writable database did not write %s: %v", out, err)
	}
}

func TestReaderRefusesSet(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := openReleaseFixture(t)
	const locked = "configuration has been locked"
	checkRefusals(t, r, openWritableFixture(t), []refusal{
		{name: "memory_limit", sql: "SET memory_limit = '10GB'", because: locked},
		{name: "threads", sql: "SET threads = 8", because: locked},
		{name: "global threads", sql: "SET GLOBAL threads = 8", because: locked},
		// DuckDB never turns external access on in a running database, so
		// the writable copy shows only that the statement is well formed;
		// the lock refuses the reader before that rule is reached.
		{name: "enable_external_access", sql: "SET enable_external_access = true", because: locked, control: "SET enable_external_access = false"},
		{name: "disable_external_access", sql: "SET enable_external_access = false", because: locked},
		{name: "lock_configuration", sql: "SET lock_configuration = false", because: locked},
		{name: "autoload_known_extensions", sql: "SET autoload_known_extensions = true", because: locked},
		{name: "reset", sql: "RESET memory_limit", because: locked},
		{name: "pragma", sql: "PRAGMA threads = 8", because: locked},
	})
	// The settings are as OpenRelease left them.
	if err := r.checkSettings(ctx, DefaultReaderThreads, ""); err != nil {
		t.Error(err)
	}
	var limit string
	if err := r.db.QueryRowContext(ctx, "SELECT current_setting('memory_limit')").Scan(&limit); err != nil {
		t.Fatal(err)
	}
	if want := "953.6 MiB"; limit != want { // 1GB is 10^9 bytes
		t.Errorf("memory_limit = %s after the refused SETs, want %s", limit, want)
	}
}

func TestReaderRefusesAttach(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// Two files, since DuckDB attaches a file once.
	var others [2]string
	for i := range others {
		others[i] = filepath.Join(t.TempDir(), "other.duckdb")
		db, err := Open(ctx, others[i], Options{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.db.ExecContext(ctx, "CREATE TABLE secrets AS SELECT 'swordfish' AS secret")
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	r := openReleaseFixture(t)
	checkRefusals(t, r, openWritableFixture(t), []refusal{
		{name: "a database file", sql: "ATTACH " + sqlString(others[0]) + " AS other", because: "disabled by configuration"},
		{name: "a database file read-only", sql: "ATTACH " + sqlString(others[1]) + " AS other_ro (READ_ONLY)", because: "disabled by configuration"},
		// A writable scratch database would be somewhere to write.
		{name: "an in-memory database", sql: "ATTACH ':memory:' AS scratch", because: "read-only mode"},
	})
}

func TestReaderCancelsQueryWhenContextEnds(t *testing.T) {
	t.Parallel()
	r := openReleaseFixture(t)

	t.Run("deadline during a slow query", func(t *testing.T) {
		const deadline = 300 * time.Millisecond
		ctx, cancel := context.WithTimeout(context.Background(), deadline)
		defer cancel()
		start := time.Now()
		// 10^12 rows: hours of work unless it is interrupted.
		err := r.execSQL(ctx, "SELECT sum(a.range * b.range) FROM range(1000000) a, range(1000000) b")
		took := time.Since(start)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("slow query error = %v, want one wrapping context.DeadlineExceeded", err)
		}
		if took < deadline {
			t.Errorf("slow query ended after %v, before its deadline of %v: it failed for another reason", took, deadline)
		}
		if took > 5*time.Second {
			t.Errorf("slow query ended %v after it started, want soon after its deadline of %v", took, deadline)
		}
	})
	t.Run("a finder with a cancelled context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := r.Comparisons(ctx, ComparisonFilter{}); !errors.Is(err, context.Canceled) {
			t.Errorf("Comparisons error = %v, want one wrapping context.Canceled", err)
		}
	})
	t.Run("the reader still works", func(t *testing.T) {
		got, err := r.Counts(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if got.Observations != 10 {
			t.Errorf("Counts().Observations = %d, want 10", got.Observations)
		}
	})
}

func TestOpenReleaseSettings(t *testing.T) {
	t.Parallel()
	spill := t.TempDir()
	tests := []struct {
		name        string
		opts        Options
		threads     string
		memoryLimit string // as DuckDB writes it back
		// spill is the temp_directory wanted, "" for a reader that
		// never spills.
		spill string
	}{
		{"defaults", Options{}, "2", "953.6 MiB", ""},
		{"given", Options{Threads: 3, MemoryLimit: "256MiB"}, "3", "256.0 MiB", ""},
		// A reader is read-only whatever it is asked.
		{"ReadOnly false is ignored", Options{ReadOnly: false, Threads: 1, MemoryLimit: " 512MB "}, "1", "488.2 MiB", ""},
		{"a build's reader spills", Options{Threads: 1, MemoryLimit: "1GB", TempDir: spill}, "1", "953.6 MiB", spill},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			r, err := OpenRelease(ctx, writeReleaseFixture(t), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			// Hold several connections at once, so the pool opens new
			// ones; each must have the settings.
			const n = 4
			var wg sync.WaitGroup
			got := make([]map[string]string, n)
			errs := make([]error, n)
			start := make(chan struct{})
			for i := range n {
				wg.Go(func() {
					conn, err := r.db.Conn(ctx)
					if err != nil {
						errs[i] = err
						return
					}
					defer conn.Close()
					<-start
					names := []string{"access_mode", "enable_external_access", "lock_configuration", "autoload_known_extensions",
						"autoinstall_known_extensions", "allow_community_extensions", "threads", "memory_limit",
						"allocator_flush_threshold", "allocator_background_threads", "temp_directory"}
					got[i] = map[string]string{}
					for _, name := range names {
						var v string
						if err := conn.QueryRowContext(ctx, "SELECT current_setting($1)::VARCHAR", name).Scan(&v); err != nil {
							errs[i] = err
							return
						}
						got[i][name] = v
					}
				})
			}
			close(start)
			wg.Wait()
			want := map[string]string{"access_mode": "read_only", "enable_external_access": "false", "lock_configuration": "true",
				"autoload_known_extensions": "false", "autoinstall_known_extensions": "false", "allow_community_extensions": "false",
				"threads": tt.threads, "memory_limit": tt.memoryLimit, "temp_directory": tt.spill,
				"allocator_flush_threshold": "128.0 MiB", "allocator_background_threads": "false"}
			if tt.spill != "" {
				// A build's reader hands freed memory back sooner.
				want["allocator_flush_threshold"], want["allocator_background_threads"] = "7.6 MiB", "true"
			}
			for i := range n {
				if errs[i] != nil {
					t.Fatal(errs[i])
				}
				for name, w := range want {
					if got[i][name] != w {
						t.Errorf("connection %d: %s = %q, want %q", i, name, got[i][name], w)
					}
				}
			}
		})
	}
}

func TestOpenReleaseRefuses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fixture := writeReleaseFixture(t)
	notDuckDB := filepath.Join(t.TempDir(), "notes.csv")
	if err := os.WriteFile(notDuckDB, []byte("a,b\n1,2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// The driver would read what follows # as nothing, settings included,
	// and open this file writable.
	hashDir := filepath.Join(t.TempDir(), "a#b")
	if err := os.Mkdir(hashDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(fixture, filepath.Join(hashDir, schemas.DatabaseFile)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		path string
		opts Options
		want string
	}{
		{"no path", "", Options{}, "no database file"},
		{"a missing file", filepath.Join(t.TempDir(), "missing.duckdb"), Options{}, "open release"},
		{"not a database", notDuckDB, Options{}, "open release"},
		{"a path with #", filepath.Join(hashDir, schemas.DatabaseFile), Options{}, "? or #"},
		{"a path with ?", fixture + "?access_mode=READ_WRITE", Options{}, "? or #"},
		{"negative threads", fixture, Options{Threads: -1}, "threads"},
		{"a memory limit that is no size", fixture, Options{MemoryLimit: "lots"}, "memory limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := OpenRelease(ctx, tt.path, tt.opts)
			if err == nil {
				r.Close()
				t.Fatalf("OpenRelease(%q, %+v) succeeded, want an error", tt.path, tt.opts)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("OpenRelease(%q, %+v) error = %v, want one saying %q", tt.path, tt.opts, err, tt.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(fixture), "missing.duckdb")); err == nil {
		t.Error("OpenRelease created the missing file")
	}
}

// TestReaderCheckSettingsRefusesAnOpenDatabase checks the last guard of
// OpenRelease: a database opened without the reader's settings, as a
// driver that dropped them would leave it, is refused.
func TestReaderCheckSettingsRefusesAnOpenDatabase(t *testing.T) {
	t.Parallel()
	connector, err := duckdb.NewConnector(writeReleaseFixture(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	r := &Reader{db: sql.OpenDB(connector), connector: connector}
	defer r.Close()
	err = r.checkSettings(context.Background(), DefaultReaderThreads, "")
	if err == nil || !strings.Contains(err.Error(), "did not apply") {
		t.Errorf("checkSettings on a writable database = %v, want an error saying the settings did not apply", err)
	}
}

// TestOpenReleaseWhileOpenForWriting checks that a release open for
// writing in the same process is refused rather than shared: DuckDB keeps
// one instance per file, and sharing the writer's would drop every
// setting.
func TestOpenReleaseWhileOpenForWriting(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := writeReleaseFixture(t)
	w, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if r, err := OpenRelease(ctx, path, Options{}); err == nil {
		r.Close()
		t.Fatal("OpenRelease succeeded on a file open for writing")
	}
}

func TestReaderConcurrentFinders(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := openReleaseFixture(t)
	const goroutines, rounds = 8, 10
	errs := make(chan error, goroutines*rounds)
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for range rounds {
				page, err := r.Comparisons(ctx, ComparisonFilter{Provider: "1-101", Sort: "value", Desc: g%2 == 0})
				if err != nil {
					errs <- err
					continue
				}
				first := map[bool]schemas.ObservationKey{true: r6, false: r10}[g%2 == 0]
				if page.Total != 5 || len(page.Items) != 5 || page.Items[0].Key() != first {
					errs <- errors.New("Comparisons gave another page: " + strings.Join(keyNames(rowKeys(page.Items)), " "))
				}
				c, err := r.Counts(ctx)
				if err != nil {
					errs <- err
				} else if c.Observations != 10 {
					errs <- errors.New("Counts gave another count")
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestOpenReleaseSpills checks that a reader given a temp folder (the
// website's, in a publish) spills there a query past its memory limit,
// which a reader without one fails, and that it reads no other file.
func TestOpenReleaseSpills(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fixture := writeReleaseFixture(t)
	// Twenty million BIGINTs numbered in one order and sorted in another
	// hold far more than 60MB.
	const big = "SELECT sum(n * x) FROM (SELECT n, row_number() OVER (ORDER BY n DESC) AS x FROM range(20000000) t(n) ORDER BY hash(n))"
	r, err := OpenRelease(ctx, fixture, Options{Threads: 1, MemoryLimit: "60MB"})
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	err = r.db.QueryRowContext(ctx, big).Scan(&sum)
	// DuckDB's default temp folder is beside the file, in the release,
	// and removed as the database closes.
	if _, serr := os.Stat(fixture + ".tmp"); !errors.Is(serr, fs.ErrNotExist) {
		t.Errorf("a reader that may not spill made %s.tmp beside the release file (%v)", filepath.Base(fixture), serr)
	}
	r.Close()
	if !IsOutOfMemory(err) {
		t.Fatalf("a reader that may not spill: %v, want DuckDB out of memory", err)
	}
	dir := t.TempDir()
	r, err = OpenRelease(ctx, fixture, Options{Threads: 1, MemoryLimit: "60MB", TempDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.db.QueryRowContext(ctx, big).Scan(&sum); err != nil {
		t.Fatalf("a reader that spills: %v", err)
	}
	// Σ n·(m − n) for n from 0 to m − 1, with m = 20,000,000:
	// m·Σn − Σn² = m·m(m−1)/2 − (m−1)m(2m−1)/6 = (m³ − m)/6.
	const m = 2e7
	if want := (m*m*m - m) / 6; sum != want {
		t.Errorf("sum = %g, want %g", sum, want)
	}
	// DuckDB shares one instance per file within a process: a second
	// reader of the file with the same folder shares it, and one with
	// another folder is refused, not handed the first one's.
	same, err := OpenRelease(ctx, fixture, Options{Threads: 1, MemoryLimit: "60MB", TempDir: dir})
	if err != nil {
		t.Fatalf("a second reader with the same settings: %v", err)
	}
	same.Close()
	if other, err := OpenRelease(ctx, fixture, Options{Threads: 1, MemoryLimit: "60MB", TempDir: t.TempDir()}); err == nil {
		other.Close()
		t.Error("a second reader with another temp folder was opened on the first one's")
	} else if !strings.Contains(err.Error(), "did not apply") {
		t.Errorf("a second reader with another temp folder: %v, want an error saying the settings did not apply", err)
	}
	csv := filepath.Join(t.TempDir(), "notes.csv")
	if err := os.WriteFile(csv, []byte("a\n1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"SELECT * FROM read_csv('" + csv + "')", "SET temp_directory = '" + t.TempDir() + "'",
		"SET enable_external_access = true"} {
		if _, err := r.db.ExecContext(ctx, q); err == nil {
			t.Errorf("a reader that spills ran %s", q)
		}
	}
}
