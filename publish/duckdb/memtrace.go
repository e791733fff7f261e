package duckdb

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"time"
)

// MemoryTrace records, while a context carrying it (WithMemoryTrace) is
// in use and a database traces it (DB.TraceMemory), where the process's
// memory is: its resident memory, Go's heap and what Go holds from the
// system, and what DuckDB accounts for and has spilled, with the embedded
// statement then running (publish --memory-trace). DuckDB's memory limit
// covers only what DuckDB accounts for, so a process under a limit peaks
// above it by Go's heap and what neither accounts for; the trace shows
// which, and in which statement. Safe for concurrent use.
type MemoryTrace struct {
	mu    sync.Mutex
	start time.Time
	// userStart and systemStart are the process's CPU time as the trace
	// began (processCPU), which a sample's is counted from.
	userStart, systemStart time.Duration
	samples                []MemorySample
	// running holds the embedded statements that have started and not
	// ended, in the order they started; the last names a sample's
	// statement. Each is removed when it ends, whatever the order.
	running []runningStatement
	// next numbers the statements started, so that two of one name are
	// told apart.
	next int
}

// runningStatement is a statement traced as running: its name, and its
// number among those the trace saw start.
type runningStatement struct {
	name string
	id   int
}

// A MemorySample is the memory of the process at one moment, in bytes,
// and the CPU time it had used since the trace began.
type MemorySample struct {
	// At is the time since the trace began.
	At time.Duration
	// Resident is the process's resident memory (VmRSS), 0 where the
	// system does not say (outside Linux).
	Resident int64
	// GoHeap is Go's heap in use (runtime.MemStats.HeapAlloc), live
	// objects and garbage not yet collected.
	GoHeap int64
	// GoHeld is what Go holds from the system and has not handed back
	// (Sys less HeapReleased): its heap, the heap's idle spans, stacks
	// and the runtime's own.
	GoHeld int64
	// DuckDB is the memory DuckDB accounts for (duckdb_memory()), which
	// its memory limit caps; DuckDBTemp is what it has spilled to its
	// temporary files. Both -1 when DuckDB could not be asked.
	DuckDB, DuckDBTemp int64
	// Statement is the embedded statement DuckDB was running, the one
	// started last of those side by side; "" when none was, including
	// while Go read a query's result, which DuckDB hands over whole
	// before the first row (session.query).
	Statement string
	// UserCPU and SystemCPU are the CPU time all the process's threads
	// used since the trace began, in user mode and in the kernel (from
	// getrusage); both -1 where the system does not say. The difference
	// between two samples, over the time between them, is how many cores
	// the process kept busy meanwhile: at 20 million rows publish used
	// about 1.7 of 2, a quarter of it in the kernel (BENCHMARKS.md).
	UserCPU, SystemCPU time.Duration
}

type memoryTraceKey struct{}

// WithMemoryTrace returns ctx carrying t, so that a database's
// TraceMemory samples into it and the statements run with ctx name
// themselves in its samples.
func WithMemoryTrace(ctx context.Context, t *MemoryTrace) context.Context {
	return context.WithValue(ctx, memoryTraceKey{}, t)
}

// memoryTraceEvery is how often TraceMemory samples: at a second, a
// publish of twenty million rows gives about a thousand samples, and a
// statement of a few seconds is seen.
const memoryTraceEvery = time.Second

// TraceMemory samples the process's memory and this database's into the
// MemoryTrace ctx carries, if any, at once and then every second from
// another connection, until the returned func is called, which takes a
// last sample before it returns. Without a trace it does nothing.
func (d *DB) TraceMemory(ctx context.Context) (stop func()) {
	return d.traceMemory(ctx, memoryTraceEvery)
}

func (d *DB) traceMemory(ctx context.Context, every time.Duration) (stop func()) {
	t, _ := ctx.Value(memoryTraceKey{}).(*MemoryTrace)
	if t == nil {
		return func() {}
	}
	t.begin()
	// The samples' own queries are not the caller's statements, so they
	// run with a context of their own: neither timed nor traced, and never
	// cancelled, since a query cut short would record a sample that
	// DuckDB did not answer. quit ends the sampling between samples.
	quit, done := make(chan struct{}), make(chan struct{})
	t.add(d.sample(t))
	go func() {
		defer close(done)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-quit:
				return
			case <-tick.C:
				t.add(d.sample(t))
			}
		}
	}()
	return func() {
		close(quit)
		<-done
		t.add(d.sample(t))
	}
}

// sample reads the process's memory and DuckDB's now.
func (d *DB) sample(t *MemoryTrace) MemorySample {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	s := MemorySample{
		Resident: residentBytes(),
		GoHeap:   int64(ms.HeapAlloc),
		GoHeld:   int64(ms.Sys - ms.HeapReleased),
		DuckDB:   -1, DuckDBTemp: -1,
	}
	row := d.db.QueryRowContext(context.Background(), "SELECT sum(memory_usage_bytes)::BIGINT, sum(temporary_storage_bytes)::BIGINT FROM duckdb_memory()")
	var used, temp int64
	if err := row.Scan(&used, &temp); err == nil {
		s.DuckDB, s.DuckDBTemp = used, temp
	}
	// Read beside the sample's time, after DuckDB's figures, which a
	// DuckDB at its limit may take a while to give.
	user, system := processCPU()
	t.mu.Lock()
	s.At = time.Since(t.start)
	s.UserCPU, s.SystemCPU = -1, -1
	if user >= 0 && t.userStart >= 0 {
		s.UserCPU, s.SystemCPU = user-t.userStart, system-t.systemStart
	}
	if n := len(t.running); n > 0 {
		s.Statement = t.running[n-1].name
	}
	t.mu.Unlock()
	return s
}

// residentBytes returns the process's resident memory from
// /proc/self/status (VmRSS), or 0 where there is no such file.
func residentBytes() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range bytes.Lines(b) {
		rest, ok := bytes.CutPrefix(line, []byte("VmRSS:"))
		if !ok {
			continue
		}
		// "VmRSS:	  123456 kB"
		f := bytes.Fields(rest)
		if len(f) == 2 && string(f[1]) == "kB" {
			if kb, err := strconv.ParseInt(string(f[0]), 10, 64); err == nil {
				return kb << 10
			}
		}
	}
	return 0
}

func (t *MemoryTrace) begin() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.start.IsZero() {
		t.start = time.Now()
		t.userStart, t.systemStart = processCPU()
	}
}

func (t *MemoryTrace) add(s MemorySample) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.samples = append(t.samples, s)
}

// traced names the statement name as running in the MemoryTrace ctx
// carries, if any, until the returned func is called: defer
// traced(ctx, name)().
func traced(ctx context.Context, name string) func() {
	t, _ := ctx.Value(memoryTraceKey{}).(*MemoryTrace)
	if t == nil {
		return func() {}
	}
	t.mu.Lock()
	t.next++
	r := runningStatement{name: name, id: t.next}
	t.running = append(t.running, r)
	t.mu.Unlock()
	return func() {
		t.mu.Lock()
		defer t.mu.Unlock()
		t.running = slices.DeleteFunc(t.running, func(o runningStatement) bool { return o.id == r.id })
	}
}

// Samples returns what t recorded, in order.
func (t *MemoryTrace) Samples() []MemorySample {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]MemorySample(nil), t.samples...)
}

// Peak returns the sample of the highest resident memory (the first of
// equals), and false when there is none.
func (t *MemoryTrace) Peak() (MemorySample, bool) {
	var peak MemorySample
	found := false
	for _, s := range t.Samples() {
		if !found || s.Resident > peak.Resident {
			peak, found = s, true
		}
	}
	return peak, found
}

// WriteMemoryCSV writes samples (MemoryTrace.Samples) to w as CSV with a
// header row: seconds (since the trace began, to the millisecond),
// resident_bytes, go_heap_bytes, go_held_bytes, duckdb_bytes,
// duckdb_temp_bytes, statement, user_cpu_seconds and system_cpu_seconds
// (to the millisecond, -1 where the system does not say), as
// MemorySample gives them. The CPU columns come last so that a reader of
// the columns before them by position reads them as it did.
func WriteMemoryCSV(w io.Writer, samples []MemorySample) error {
	cw := csv.NewWriter(w)
	header := []string{"seconds", "resident_bytes", "go_heap_bytes", "go_held_bytes", "duckdb_bytes", "duckdb_temp_bytes", "statement",
		"user_cpu_seconds", "system_cpu_seconds"}
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, s := range samples {
		rec := []string{strconv.FormatFloat(s.At.Seconds(), 'f', 3, 64),
			strconv.FormatInt(s.Resident, 10), strconv.FormatInt(s.GoHeap, 10), strconv.FormatInt(s.GoHeld, 10),
			strconv.FormatInt(s.DuckDB, 10), strconv.FormatInt(s.DuckDBTemp, 10), s.Statement,
			cpuSeconds(s.UserCPU), cpuSeconds(s.SystemCPU)}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// cpuSeconds writes a sample's CPU time as seconds to the millisecond,
// and -1 (not known) as -1.
func cpuSeconds(d time.Duration) string {
	if d < 0 {
		return "-1"
	}
	return strconv.FormatFloat(d.Seconds(), 'f', 3, 64)
}
