package duckdb

import (
	"bytes"
	"context"
	"runtime"
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

// TestWriteMemoryCSV checks the trace's CSV against text written by hand,
// and that Peak takes the first of two samples with the highest resident
// memory.
func TestWriteMemoryCSV(t *testing.T) {
	tr := &MemoryTrace{samples: []MemorySample{
		{At: 1500 * time.Millisecond, Resident: 2_000_000, GoHeap: 300, GoHeld: 4000, DuckDB: 1_000_000, DuckDBTemp: 0, Statement: "comparisons"},
		{At: 2 * time.Second, Resident: 3_000_000, GoHeap: 100, GoHeld: 4000, DuckDB: -1, DuckDBTemp: -1},
		{At: 3 * time.Second, Resident: 3_000_000, GoHeap: 100, GoHeld: 4000, DuckDB: 7, DuckDBTemp: 8, Statement: "a,b"},
	}}
	var b bytes.Buffer
	if err := WriteMemoryCSV(&b, tr.Samples()); err != nil {
		t.Fatal(err)
	}
	want := "seconds,resident_bytes,go_heap_bytes,go_held_bytes,duckdb_bytes,duckdb_temp_bytes,statement\n" +
		"1.500,2000000,300,4000,1000000,0,comparisons\n" +
		"2.000,3000000,100,4000,-1,-1,\n" +
		"3.000,3000000,100,4000,7,8,\"a,b\"\n"
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
