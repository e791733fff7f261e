package duckdb

import (
	"context"
	"database/sql"
	"errors"
	"runtime"
	"testing"
	"time"
)

// errBenchDone stops a Build once a benchmark has timed what it needs.
var errBenchDone = errors.New("benchmark done")

// BenchmarkFirstAudit times, on the data folder YARDSTICK_BENCH_DATA
// names (as BenchmarkBuildDataDir reads it), the parts of a first
// interval audit and of an exact test once suppression is done: reading
// the members (audit_members.sql), working out and solving every
// component with an empty cache, and reading and testing the hidden
// members (hiddenLinks, determined). Build runs once, to suppression;
// each iteration then audits afresh. The parts are reported as
// members-s/op, narrow-s/op and exact-s/op, with exact-MB/op what the
// exact test allocated in Go; read-s/op is the part of
// members-s/op from the first member handed over (once DuckDB has stored
// and sorted them) to the end, the reading and adding and then dropping
// the stored rows:
//
//	YARDSTICK_BENCH_DATA=$PWD/data go test ./publish/duckdb -run '^$' -bench FirstAudit -benchtime 3x
func BenchmarkFirstAudit(b *testing.B) {
	db, in := benchDataDir(b)
	var members, read, narrow, exact time.Duration
	var exactBytes uint64
	in.afterSuppress = func(ctx context.Context, conn *sql.Conn) error {
		s := &session{conn: conn}
		c := auditCache{}
		if err := c.loadFamilies(ctx, s); err != nil {
			return err
		}
		n := 0
		for b.Loop() {
			n++
			start := time.Now()
			batches, err := s.auditBatches(ctx, nil, 1<<62)
			if err != nil {
				return err
			}
			var size int64
			for _, b := range batches {
				size += b.members
			}
			sys := newAuditSystem(int(size))
			var first time.Time
			if err := s.eachAuditMember(ctx, nil, nil, func(_ int, m *auditMember) {
				if first.IsZero() {
					first = time.Now()
				}
				sys.add(m)
			}); err != nil {
				return err
			}
			members += time.Since(start)
			if !first.IsZero() {
				read += time.Since(first)
			}
			start = time.Now()
			sys.narrow(componentCache{})
			narrow += time.Since(start)
			start = time.Now()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			links, err := s.hiddenLinks(ctx)
			if err != nil {
				return err
			}
			determined(links)
			runtime.ReadMemStats(&after)
			exact += time.Since(start)
			exactBytes += after.TotalAlloc - before.TotalAlloc
		}
		b.ReportMetric(members.Seconds()/float64(n), "members-s/op")
		b.ReportMetric(read.Seconds()/float64(n), "read-s/op")
		b.ReportMetric(narrow.Seconds()/float64(n), "narrow-s/op")
		b.ReportMetric(exact.Seconds()/float64(n), "exact-s/op")
		b.ReportMetric(float64(exactBytes)/float64(n)/(1<<20), "exact-MB/op")
		// Build need not go on past what is timed.
		return errBenchDone
	}
	if err := db.Build(context.Background(), in); !errors.Is(err, errBenchDone) {
		b.Fatal(err)
	}
}

// BenchmarkAuditAdd times gathering a first audit's equations from its
// members (auditSystem.add) and nothing else, on the data folder
// YARDSTICK_BENCH_DATA names: Build runs once, to suppression; the
// members are read once and kept as eachAuditMember hands them over, each
// row's strings its own; each iteration builds a system from them.
//
//	YARDSTICK_BENCH_DATA=$PWD/data go test ./publish/duckdb -run '^$' -bench AuditAdd -benchtime 5x
func BenchmarkAuditAdd(b *testing.B) {
	db, in := benchDataDir(b)
	in.afterSuppress = func(ctx context.Context, conn *sql.Conn) error {
		s := &session{conn: conn}
		var members []auditMember
		if err := s.eachAuditMember(ctx, nil, nil, func(_ int, m *auditMember) { members = append(members, *m) }); err != nil {
			return err
		}
		for b.Loop() {
			sys := newAuditSystem(len(members))
			for i := range members {
				sys.add(&members[i])
			}
		}
		b.ReportMetric(float64(len(members)), "members")
		return errBenchDone
	}
	if err := db.Build(context.Background(), in); !errors.Is(err, errBenchDone) {
		b.Fatal(err)
	}
}
