package duckdb

import (
	"cmp"
	"context"
	"encoding/csv"
	"io"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Timings records how long each embedded SQL statement took while a
// context carrying it (WithTimings) was in use: the profile of where a
// publish spends its time (publish --timings). DuckDB's work runs in C++
// threads that Go's profiler does not see, so the statements' own clocks
// are the profile that names the SQL to look at. Only embedded statements
// are timed: not rows loaded through DuckDB's appender, nor Go's own
// work. Safe for concurrent use: the exports run side by side.
type Timings struct {
	mu sync.Mutex
	by map[string]*StatementTime
}

// A StatementTime is one embedded statement's record: how many times it
// ran and for how long in all and at the longest. A statement that returns
// rows is timed until DuckDB hands its result over, not while the caller
// reads it; an error is timed too.
type StatementTime struct {
	Statement string
	Calls     int
	Total     time.Duration
	Longest   time.Duration
}

type timingsKey struct{}

// WithTimings returns ctx carrying t: every embedded statement run with
// the returned context, or one derived from it, is recorded in t.
func WithTimings(ctx context.Context, t *Timings) context.Context {
	return context.WithValue(ctx, timingsKey{}, t)
}

// timed starts timing the statement name when ctx carries a Timings, and
// names it as running in the MemoryTrace ctx carries (traced), and
// returns the func that records it, to be deferred: defer timed(ctx,
// name)(). Without a Timings it reads no clock, since the server's
// queries run through the same helpers.
func timed(ctx context.Context, name string) func() {
	untrace := traced(ctx, name)
	t, _ := ctx.Value(timingsKey{}).(*Timings)
	if t == nil {
		return untrace
	}
	start := time.Now()
	return func() {
		t.record(name, time.Since(start))
		untrace()
	}
}

// record adds one call of the statement name that took d.
func (t *Timings) record(name string, d time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.by == nil {
		t.by = map[string]*StatementTime{}
	}
	s := t.by[name]
	if s == nil {
		s = &StatementTime{Statement: name}
		t.by[name] = s
	}
	s.Calls++
	s.Total += d
	s.Longest = max(s.Longest, d)
}

// Statements returns what t recorded, the longest in all first (ties by
// name).
func (t *Timings) Statements() []StatementTime {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]StatementTime, 0, len(t.by))
	for _, s := range t.by {
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b StatementTime) int {
		if c := cmp.Compare(b.Total, a.Total); c != 0 {
			return c
		}
		return cmp.Compare(a.Statement, b.Statement)
	})
	return out
}

// WriteTimingsCSV writes stmts (Timings.Statements) to w as CSV with a
// header row: statement, calls, seconds (in all) and longest_seconds, to
// the millisecond.
func WriteTimingsCSV(w io.Writer, stmts []StatementTime) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"statement", "calls", "seconds", "longest_seconds"}); err != nil {
		return err
	}
	for _, s := range stmts {
		rec := []string{s.Statement, strconv.Itoa(s.Calls),
			strconv.FormatFloat(s.Total.Seconds(), 'f', 3, 64), strconv.FormatFloat(s.Longest.Seconds(), 'f', 3, 64)}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
