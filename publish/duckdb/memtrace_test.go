package duckdb

import (
	"bytes"
	"context"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestTraceMemory checks what DB.TraceMemory records into the trace its
// context carries: a sample as it starts and one as it stops, in time
// order, Go's heap within what Go holds, the resident memory on Linux,
// DuckDB's own figure covering a table of two million BIGINTs that an
// in-memory database holds uncompressed until a checkpoint (16 MB of
// values at the least), and the statement running: the inner one while
// it runs, the outer one again once it ends, none after both, and, for
// statements side by side, the one still running whichever ends first.
func TestTraceMemory(t *testing.T) {
	db := openTestWith(t, Options{Threads: 2, MemoryLimit: "1GB"})
	tr := &MemoryTrace{}
	ctx := WithMemoryTrace(context.Background(), tr)
	stop := db.traceMemory(ctx, 5*time.Millisecond)
	if _, err := db.db.ExecContext(ctx, "CREATE TABLE traced AS SELECT range AS i FROM range(2000000)"); err != nil {
		t.Fatal(err)
	}
	if s := db.sample(tr); s.DuckDB < 16_000_000 {
		t.Errorf("DuckDB holds %d bytes with two million BIGINTs in memory, want 16,000,000 at least", s.DuckDB)
	}
	// Each step starts or ends statements, then says which a sample
	// should name: nested, then side by side, where one may end before
	// another that started after it, and two of one name may overlap.
	var ends = map[string]func(){}
	steps := []struct {
		start, end []string
		want       string
	}{
		{start: []string{"outer", "inner"}, want: "inner"},
		{end: []string{"inner"}, want: "outer"},
		{end: []string{"outer"}, want: ""},
		{start: []string{"first", "second"}, end: []string{"first"}, want: "second"},
		{end: []string{"second"}, want: ""},
		{start: []string{"same", "same again"}, end: []string{"same"}, want: "same"},
		{end: []string{"same again"}, want: ""},
	}
	for i, st := range steps {
		for _, name := range st.start {
			// "same again" runs under the name "same" too.
			ends[name] = traced(ctx, strings.TrimSuffix(name, " again"))
		}
		for _, name := range st.end {
			ends[name]()
		}
		if got := db.sample(tr).Statement; got != st.want {
			t.Errorf("step %d (start %v, end %v): statement %q, want %q", i, st.start, st.end, got, st.want)
		}
	}
	stop()

	samples := tr.Samples()
	if len(samples) < 2 {
		t.Fatalf("%d samples, want one as the trace started and one as it stopped at least", len(samples))
	}
	var last time.Duration
	for i, s := range samples {
		if s.At < last || s.GoHeap <= 0 || s.GoHeap > s.GoHeld || s.DuckDB < 0 || s.DuckDBTemp < 0 ||
			(runtime.GOOS == "linux" && s.Resident <= 0) {
			t.Errorf("sample %d: %+v; want times in order, 0 < GoHeap <= GoHeld, DuckDB's figures, a resident memory", i, s)
		}
		last = s.At
	}
}

// TestTraceCPU checks the trace's CPU time against the kernel's own
// account in /proc/self/stat (utime and stime, in clock ticks of 10 ms),
// read around the trace's start and its last sample, while DuckDB hashes
// two hundred million numbers on two threads (time in user mode) and Go
// reads /proc/self/stat until the kernel has counted 60 ms (time in the
// kernel): each of the trace's user and system times must lie between
// what the process used in the window inside the trace and what it used
// in the window around it, give or take a tick at each end, and each
// sample's must be no less than the one before. Other tests running
// meanwhile add to both measures alike, so they do not move the bounds.
func TestTraceCPU(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the kernel's account is read from /proc/self/stat")
	}
	db := openTestWith(t, Options{Threads: 2})
	tr := &MemoryTrace{}
	ctx := WithMemoryTrace(context.Background(), tr)
	outerStart := procCPU(t)
	stop := db.traceMemory(ctx, 50*time.Millisecond)
	innerStart := procCPU(t)
	var sum string
	if err := db.db.QueryRowContext(ctx, "SELECT sum(hash(range))::VARCHAR FROM range(200000000)").Scan(&sum); err != nil {
		t.Fatal(err)
	}
	// Until the kernel has counted 50ms, or for ten seconds at most.
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && procCPU(t)[1]-innerStart[1] < 60*time.Millisecond; {
	}
	innerEnd := procCPU(t)
	stop()
	outerEnd := procCPU(t)
	const tick = 10 * time.Millisecond
	inner := [2]time.Duration{innerEnd[0] - innerStart[0], innerEnd[1] - innerStart[1]}
	outer := [2]time.Duration{outerEnd[0] - outerStart[0], outerEnd[1] - outerStart[1]}
	if inner[0] < 100*time.Millisecond || inner[1] < 50*time.Millisecond {
		t.Fatalf("the kernel counts %v user and %v system CPU for the work, want 100ms and 50ms at least for the check to mean something", inner[0], inner[1])
	}
	samples := tr.Samples()
	var last [2]time.Duration
	for i, s := range samples {
		if s.UserCPU < last[0] || s.SystemCPU < last[1] {
			t.Errorf("sample %d: CPU %v user, %v system, less than the sample before (%v, %v)", i, s.UserCPU, s.SystemCPU, last[0], last[1])
		}
		last = [2]time.Duration{s.UserCPU, s.SystemCPU}
	}
	for i, name := range []string{"user", "system"} {
		if last[i] < inner[i]-2*tick || last[i] > outer[i]+2*tick {
			t.Errorf("the trace's last sample has %v of %s CPU; the kernel counts %v inside the trace and %v around it", last[i], name, inner[i], outer[i])
		}
	}
}

// procCPU returns the process's user and system CPU time as the kernel
// counts it in /proc/self/stat: fields 14 and 15 (utime, stime), in
// clock ticks, which are 10 ms on Linux (USER_HZ 100).
func procCPU(t *testing.T) [2]time.Duration {
	t.Helper()
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		t.Fatal(err)
	}
	// The command's name, in parentheses, may hold spaces; the fields
	// after it start with the third, the state.
	_, rest, ok := bytes.Cut(b, []byte(") "))
	f := strings.Fields(string(rest))
	if !ok || len(f) < 13 {
		t.Fatalf("/proc/self/stat: %q", b)
	}
	var out [2]time.Duration
	for i, field := range f[11:13] {
		n, err := strconv.ParseInt(field, 10, 64)
		if err != nil {
			t.Fatalf("/proc/self/stat: %q: %v", b, err)
		}
		out[i] = time.Duration(n) * 10 * time.Millisecond
	}
	return out
}

// TestWriteMemoryCSV checks the trace's CSV against text written by hand,
// and that Peak takes the first of two samples with the highest resident
// memory.
func TestWriteMemoryCSV(t *testing.T) {
	tr := &MemoryTrace{samples: []MemorySample{
		{At: 1500 * time.Millisecond, Resident: 2_000_000, GoHeap: 300, GoHeld: 4000, DuckDB: 1_000_000, DuckDBTemp: 0, Statement: "comparisons",
			UserCPU: 2250 * time.Millisecond, SystemCPU: time.Millisecond},
		{At: 2 * time.Second, Resident: 3_000_000, GoHeap: 100, GoHeld: 4000, DuckDB: -1, DuckDBTemp: -1, UserCPU: -1, SystemCPU: -1},
		{At: 3 * time.Second, Resident: 3_000_000, GoHeap: 100, GoHeld: 4000, DuckDB: 7, DuckDBTemp: 8, Statement: "a,b",
			UserCPU: 3 * time.Second, SystemCPU: 500 * time.Millisecond},
	}}
	var b bytes.Buffer
	if err := WriteMemoryCSV(&b, tr.Samples()); err != nil {
		t.Fatal(err)
	}
	want := "seconds,resident_bytes,go_heap_bytes,go_held_bytes,duckdb_bytes,duckdb_temp_bytes,statement,user_cpu_seconds,system_cpu_seconds\n" +
		"1.500,2000000,300,4000,1000000,0,comparisons,2.250,0.001\n" +
		"2.000,3000000,100,4000,-1,-1,,-1,-1\n" +
		"3.000,3000000,100,4000,7,8,\"a,b\",3.000,0.500\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	peak, ok := tr.Peak()
	if !ok || peak.At != 2*time.Second {
		t.Errorf("Peak: %+v, %v; want the sample at 2s", peak, ok)
	}
	if _, ok := (&MemoryTrace{}).Peak(); ok {
		t.Error("Peak of no samples reported one")
	}
}
