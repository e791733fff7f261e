package duckdb

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestOpenSettingsSeenByEveryConnection checks that every connection of
// the pool sees the settings Open was given and its own time zone.
func TestOpenSettingsSeenByEveryConnection(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := Open(ctx, "", Options{Threads: 2, MemoryLimit: "512MiB"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	// Hold several connections at once so the pool must open new ones, each
	// of which runs the init hook (the first applies the settings, which
	// are the database's); each goroutine uses its own connection.
	const n = 4
	var wg sync.WaitGroup
	errs := make(chan error, n)
	got := make(chan [4]string, n)
	start := make(chan struct{})
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := db.session(ctx)
			if err != nil {
				errs <- err
				return
			}
			defer s.close()
			<-start
			rows, err := s.query(ctx, "settings")
			if err != nil {
				errs <- err
				return
			}
			defer rows.Close()
			var r [4]string
			for rows.Next() {
				if err := rows.Scan(&r[0], &r[1], &r[2], &r[3]); err != nil {
					errs <- err
					return
				}
			}
			got <- r
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	close(got)
	for err := range errs {
		t.Fatal(err)
	}
	for r := range got {
		want := [4]string{"2", "512.0 MiB", "false", "UTC"}
		if r != want {
			t.Errorf("settings = %q, want %q", r, want)
		}
	}
}

// TestNewConnectionKeepsSettings checks that a connection opened after
// the database has spilled and a session has changed its settings opens,
// leaves them as that session set them (preserve_insertion_order, the
// memory limit) and sets its own time zone: DuckDB
// refuses to set temp_directory again once used, and the other settings
// are the whole database's, so applying them again would undo what a
// session set, such as preserve_insertion_order turned on by
// WriteRelease.
func TestNewConnectionKeepsSettings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openTestWith(t, Options{Threads: 2, MemoryLimit: "64MB", TempDir: t.TempDir()})
	s := testSession(t, db)
	// About 220 MB of text: more than the limit, so it spills.
	if _, err := s.conn.ExecContext(ctx, `CREATE TEMP TABLE big AS SELECT range AS i, repeat('x', 100) || range AS s FROM range(2000000)`); err != nil {
		t.Fatal(err)
	}
	var spilled int
	if err := s.conn.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_temporary_files()`).Scan(&spilled); err != nil {
		t.Fatal(err)
	}
	if spilled == 0 {
		t.Fatal("nothing spilled to the temporary directory: the test needs a larger table")
	}
	if err := s.exec(ctx, "keep_insertion_order"); err != nil {
		t.Fatal(err)
	}
	// As lendMemory does.
	if _, err := s.conn.ExecContext(ctx, `SET memory_limit = '48MB'`); err != nil {
		t.Fatal(err)
	}
	var lent string
	if err := s.conn.QueryRowContext(ctx, `SELECT current_setting('memory_limit')`).Scan(&lent); err != nil {
		t.Fatal(err)
	}
	// The database's default zone, which a connection that set none
	// would show; on a machine in UTC, DuckDB's own default is UTC.
	if _, err := s.conn.ExecContext(ctx, `SET GLOBAL TimeZone = 'Asia/Tokyo'`); err != nil {
		t.Fatal(err)
	}
	// s holds the pool's only connection, so this one is new.
	other, err := db.session(ctx)
	if err != nil {
		t.Fatalf("a new connection after a spill: %v", err)
	}
	defer other.close()
	kept, err := other.flag(ctx, "insertion_order_kept")
	if err != nil {
		t.Fatal(err)
	}
	if !kept {
		t.Error("a new connection turned preserve_insertion_order off again")
	}
	var zone, limit string
	if err := other.conn.QueryRowContext(ctx, `SELECT current_setting('TimeZone'), current_setting('memory_limit')`).Scan(&zone, &limit); err != nil {
		t.Fatal(err)
	}
	if limit != lent {
		t.Errorf("a new connection set the memory limit back to %s from the %s a session lowered it to", limit, lent)
	}
	if zone != "UTC" {
		t.Errorf("the new connection's time zone is %q, want UTC", zone)
	}
}

func TestOpenRejectsBadOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		Name string
		Opts Options
	}{
		{"negative threads", Options{Threads: -1}},
		{"memory limit with SQL", Options{MemoryLimit: "1GB'; DROP TABLE x; --"}},
		{"memory limit without a number", Options{MemoryLimit: "lots"}},
		{"read-only in memory", Options{ReadOnly: true}},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			t.Parallel()
			db, err := Open(context.Background(), "", tt.Opts)
			if err == nil {
				db.Close()
				t.Fatalf("Open(%+v) succeeded, want an error", tt.Opts)
			}
		})
	}
}

// TestSettingsPathsRefused checks that a database path holding ? or #,
// which DuckDB would read as settings, is refused by every way a file is
// opened (Open, WriteRelease's ATTACH, OpenRelease), with ErrPathSettings,
// and that no file is made.
func TestSettingsPathsRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	scratch, err := Open(ctx, "", Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer scratch.Close()
	for _, name := range []string{"a?b.duckdb", "a#b.duckdb"} {
		path := filepath.Join(t.TempDir(), name)
		if db, err := Open(ctx, path, Options{Threads: 1}); !errors.Is(err, ErrPathSettings) {
			if err == nil {
				db.Close()
			}
			t.Errorf("Open(%s): %v, want ErrPathSettings", name, err)
		}
		if err := scratch.WriteRelease(ctx, path); !errors.Is(err, ErrPathSettings) {
			t.Errorf("WriteRelease(%s): %v, want ErrPathSettings", name, err)
		}
		if r, err := OpenRelease(ctx, path, Options{}); !errors.Is(err, ErrPathSettings) {
			if err == nil {
				r.Close()
			}
			t.Errorf("OpenRelease(%s): %v, want ErrPathSettings", name, err)
		}
		if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s made (%v)", name, err)
		}
	}
}

func TestReadOnlyFile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "x.duckdb")
	db, err := Open(ctx, file, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Exec(ctx, "create_observations"); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	ro, err := Open(ctx, file, Options{ReadOnly: true, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if err := ro.Exec(ctx, "create_observations"); err == nil {
		t.Error("creating a table in a read-only database succeeded")
	}
	rows, err := ro.Query(ctx, "settings")
	if err != nil {
		t.Fatal(err)
	}
	rows.Close()
}

func TestUnknownQuery(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := Open(ctx, "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Exec(ctx, "no_such_query"); !errors.Is(err, ErrUnknownQuery) {
		t.Errorf("Exec(no_such_query) = %v, want ErrUnknownQuery", err)
	}
}

// TestMemoryLimit checks that a session reads DuckDB's memory limit in
// bytes as Build sizes its batches from it: 512MiB is 536,870,912 bytes,
// which DuckDB shows as "512.0 MiB".
func TestMemoryLimit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := testSession(t, openTestWith(t, Options{Threads: 1, MemoryLimit: "512MiB"}))
	got, err := s.memoryLimit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got != 536870912 {
		t.Errorf("memory limit = %d bytes, want 536,870,912", got)
	}
}

// TestLendMemory checks that lendMemory lowers DuckDB's limit by what it
// lends and puts back the limit given, not the one DuckDB shows: 512MiB
// less a quarter (134,217,728 bytes) is 402,653,184 bytes, "384.0 MiB".
// 3GB, which DuckDB shows rounded down as "2.7 GiB", comes back as 3GB
// after three loans, and DuckDB's default (no limit given) as its
// default. Then, with nowhere to spill and a table held in memory, a loan
// that would take the limit under what DuckDB holds leaves the limit as it
// was and says so.
func TestLendMemory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	open := func(limit string) (*session, *[]string) {
		t.Helper()
		db, err := Open(ctx, "", Options{Threads: 1, MemoryLimit: limit})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		s := testSession(t, db)
		var logged []string
		s.logf = func(format string, args ...any) { logged = append(logged, fmt.Sprintf(format, args...)) }
		return s, &logged
	}
	setting := func(s *session) int64 {
		t.Helper()
		n, err := s.memoryLimit(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	lend := func(s *session, n int64) func() error {
		t.Helper()
		restore, err := s.lendMemory(ctx, setting(s), n, "the test's loan")
		if err != nil {
			t.Fatal(err)
		}
		return restore
	}

	s, logged := open("512MiB")
	restore := lend(s, 134_217_728)
	if got := setting(s); got != 402_653_184 {
		t.Errorf("limit while lent = %d bytes, want 402,653,184", got)
	}
	if err := restore(); err != nil {
		t.Fatal(err)
	}
	if got := setting(s); got != 536_870_912 {
		t.Errorf("limit given back = %d bytes, want 536,870,912", got)
	}

	for _, given := range []string{"3GB", ""} {
		s, logged := open(given)
		want := setting(s)
		for range 3 {
			if err := lend(s, 1<<20)(); err != nil {
				t.Fatal(err)
			}
		}
		if got := setting(s); got != want {
			t.Errorf("limit given as %q: after three loans DuckDB shows %d bytes, want %d as before", given, got, want)
		}
		if *logged != nil {
			t.Errorf("loans DuckDB could make, limit given as %q, logged %q", given, *logged)
		}
	}
	if *logged != nil {
		t.Errorf("loans DuckDB could make logged %q", *logged)
	}

	for _, q := range []string{
		"SET temp_directory = ''",
		"CREATE TABLE held AS SELECT range AS i, md5(range::VARCHAR) AS pad FROM range(1000000)",
	} {
		if _, err := s.conn.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.lendMemory(ctx, setting(s), 500<<20, "the test's loan"); err != nil {
		t.Fatalf("a loan DuckDB could not make: %v, want the limit kept and a line in the log", err)
	}
	if got := setting(s); got != 536_870_912 {
		t.Errorf("limit after a loan DuckDB could not make = %d bytes, want 536,870,912 kept", got)
	}
	if len(*logged) != 1 || !strings.Contains((*logged)[0], "kept its memory limit (512MiB)") ||
		!strings.Contains((*logged)[0], "the test's loan comes on top of it") {
		t.Errorf("log = %q, want one line saying DuckDB kept its limit (512MiB) and the loan comes on top", *logged)
	}
}

// TestParseSize checks sizes as DuckDB writes them against the bytes
// worked out by hand: KB, MB, GB and TB are powers of 1000, KiB to TiB of
// 1024.
func TestParseSize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		In   string
		Want int64
	}{
		{"381.4 MiB", 399_926_886}, // 381 x 1,048,576 + 0.4 x 1,048,576 = 399,507,456 + 419,430.4
		{"4GB", 4_000_000_000},
		{"1.5 GiB", 1_610_612_736},
		{"512 bytes", 512},
		{"2 TiB", 2_199_023_255_552},
		{"750kb", 750_000},
	}
	for _, tt := range tests {
		got, err := parseSize(tt.In)
		if err != nil {
			t.Errorf("parseSize(%q): %v", tt.In, err)
			continue
		}
		if got != tt.Want {
			t.Errorf("parseSize(%q) = %d, want %d", tt.In, got, tt.Want)
		}
	}
	for _, bad := range []string{"", "lots", "-1 GB", "1 PB", "GB", "2"} {
		if _, err := parseSize(bad); err == nil {
			t.Errorf("parseSize(%q) took it as a size", bad)
		}
	}
}

// TestShareMemoryLimit checks each database's part of a limit against
// parts worked out by hand.
func TestShareMemoryLimit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		limit string
		parts int
		want  string
	}{
		{"3GB", 2, "1500000000 bytes"},
		{"1GiB", 3, "357913941 bytes"}, // 1,073,741,824 / 3 = 357,913,941.33
		{" 3GB ", 1, "3GB"},
		{"", 2, ""},
	}
	for _, tt := range tests {
		got, err := ShareMemoryLimit(tt.limit, tt.parts)
		if err != nil || got != tt.want {
			t.Errorf("ShareMemoryLimit(%q, %d) = %q, %v; want %q", tt.limit, tt.parts, got, err, tt.want)
		}
		if got != "" && !ValidMemoryLimit(got) {
			t.Errorf("ShareMemoryLimit(%q, %d) = %q, which Options does not take", tt.limit, tt.parts, got)
		}
	}
	if _, err := ShareMemoryLimit("lots", 2); err == nil {
		t.Error(`ShareMemoryLimit("lots", 2) took it as a size`)
	}
}

// TestOpenSetsTempDirectory checks that DuckDB spills where Options.TempDir
// says, which publish sets to the data folder's .scratch folder: outside
// releases/, since what spills holds figures from before disclosure
// control, and removed when the publish ends.
func TestOpenSetsTempDirectory(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), ".scratch", "publish-1")
	db, err := Open(context.Background(), "", Options{Threads: 1, TempDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := queryStrings(t, db.db, "temp_directory"); len(got) != 1 || got[0][0] != dir {
		t.Errorf("temp_directory = %q, want %q", got, dir)
	}
}

// TestKeepingOrder checks that keepingOrder runs its function with
// preserve_insertion_order on and puts the setting back as it found it,
// off (as Build opens its database) or on (KeepOrder), also when the
// function fails.
func TestKeepingOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	failed := errors.New("failed")
	for _, keep := range []bool{false, true} {
		db, err := Open(ctx, "", Options{Threads: 1, KeepOrder: keep})
		if err != nil {
			t.Fatal(err)
		}
		s, err := db.session(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []error{nil, failed} {
			var inside bool
			err := s.keepingOrder(ctx, func() error {
				var ferr error
				inside, ferr = s.flag(ctx, "insertion_order_kept")
				return cmp.Or(ferr, want)
			})
			if !errors.Is(err, want) {
				t.Errorf("opened keeping order %v: keepingOrder = %v, want %v", keep, err, want)
			}
			if !inside {
				t.Errorf("opened keeping order %v: preserve_insertion_order was off inside keepingOrder", keep)
			}
			after, err := s.flag(ctx, "insertion_order_kept")
			if err != nil {
				t.Fatal(err)
			}
			if after != keep {
				t.Errorf("opened keeping order %v (function's error %v): preserve_insertion_order is %v after, want %v", keep, want, after, keep)
			}
		}
		s.close()
		db.Close()
	}
}
