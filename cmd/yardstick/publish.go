package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/yardstick-open/yardstick/ingest"
	"github.com/yardstick-open/yardstick/publish"
	"github.com/yardstick-open/yardstick/publish/duckdb"
	"github.com/yardstick-open/yardstick/schemas"
)

func init() {
	register("publish", "build a release from the warehouse and make it live", runPublish)
}

func runPublish(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "publish", "publish [--data DIR] [--no-site] [--memory-limit SIZE] [--timings FILE] [--memory-trace FILE]")
	dataDir := dataFlag(fs, e)
	noSite := fs.Bool("no-site", false, "build the data files only, without the website")
	memoryLimit := fs.String("memory-limit", e.getenv("YARDSTICK_MEMORY_LIMIT"),
		"cap DuckDB's memory while building, such as 4GB; past it DuckDB spills to disk in the data folder's .scratch, and the comparisons are "+
			"worked out a batch of metrics at a time to fit; the process peaks above it by memory DuckDB does not count and what Go holds: "+
			"about 0.5 GB at five million rows and 0.8-0.9 GB at twenty million, with the website or without (env YARDSTICK_MEMORY_LIMIT; "+
			"default: DuckDB's own, 80% of the machine's memory)")
	timingsFile := fs.String("timings", "",
		"write each embedded SQL statement's time to FILE once publish ends, failed or not, as CSV: its name, how many times it ran, "+
			"its seconds in all and at the longest, the longest in all first; a query is timed until its result is ready, statements that "+
			"run side by side overlap, and Go's own work (the audit's solving, gzip, the website's pages) is not in it")
	traceFile := fs.String("memory-trace", "",
		"write where the process's memory was, as the build's database opens, every second while it is open (the tables, yardstick.duckdb "+
			"and the disclosure history; not the download files or the website) and as it closes, to FILE once publish ends, failed or not, "+
			"as CSV: seconds, resident_bytes, go_heap_bytes, go_held_bytes (Go's memory not handed back), duckdb_bytes (what "+
			"--memory-limit caps) and duckdb_temp_bytes (spilled), both -1 when DuckDB did not answer, the embedded SQL statement "+
			"DuckDB was running (empty when none was, as while Go reads a result), and user_cpu_seconds and system_cpu_seconds, the CPU "+
			"time the process had used since the first sample, in user mode and in the kernel (-1 where the system does not say)")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "yardstick publish: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return exitUsage
	}
	if *memoryLimit != "" && !duckdb.ValidMemoryLimit(*memoryLimit) {
		fmt.Fprintf(e.stderr, "yardstick publish: --memory-limit %q is not a size; give one such as 4GB or 512MiB\n", *memoryLimit)
		return exitUsage
	}
	if fi, err := os.Stat(*dataDir); err != nil || !fi.IsDir() {
		fmt.Fprintf(e.stderr, "yardstick publish: no data folder at %s; ingest returns first, or name the folder with --data\n", *dataDir)
		return exitUsage
	}
	cfg, err := loadSetup(*dataDir)
	if err != nil {
		fmt.Fprintf(e.stderr, "yardstick publish: %v\n", err)
		return exitUsage
	}
	cfg.noSite = *noSite
	cfg.memoryLimit = *memoryLimit
	var timings *duckdb.Timings
	var timingsOut, traceOut *schemas.PendingFile
	var trace *duckdb.MemoryTrace
	if *timingsFile != "" {
		if timingsOut, err = createFlagFile(e, "timings", *timingsFile); err != nil {
			return exitUsage
		}
		defer timingsOut.Abort()
		timings = &duckdb.Timings{}
		ctx = duckdb.WithTimings(ctx, timings)
	}
	if *traceFile != "" {
		if traceOut, err = createFlagFile(e, "memory-trace", *traceFile); err != nil {
			return exitUsage
		}
		defer traceOut.Abort()
		trace = &duckdb.MemoryTrace{}
		ctx = duckdb.WithMemoryTrace(ctx, trace)
	}
	start := time.Now()
	// Progress goes to stderr and only the release id to stdout, so
	// id=$(yardstick publish) gets the id.
	rel, err := publishRelease(ctx, cfg, e.stderr)
	if timings != nil {
		// Before any error's advice, which stays the last thing said.
		writeTimings(e.stderr, timingsOut, timings, time.Since(start))
	}
	if trace != nil {
		writeMemoryTrace(e.stderr, traceOut, trace)
	}
	var misfits *duckdb.CatalogueError
	if errors.As(err, &misfits) {
		printMisfits(e.stderr, cfg.layout, misfits)
		return exitStatus(err)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "yardstick publish: %v\n", err)
		if duckdb.IsOutOfMemory(err) {
			limit := "DuckDB's default, 80% of the machine's memory"
			if *memoryLimit != "" {
				limit = *memoryLimit
			}
			fmt.Fprintf(e.stderr, "yardstick publish: DuckDB ran out of the memory it may use (%s); give it more with --memory-limit, "+
				"or free memory on the machine; the live release is unchanged\n", limit)
		}
		return exitStatus(err)
	}
	fmt.Fprintln(e.stdout, rel.ID)
	return exitOK
}

// createFlagFile makes the file that publish's flag names now, so that
// a folder that cannot take it is found before a build that may take an
// hour, not after it; on failure it says so on stderr, naming the flag.
func createFlagFile(e *env, flag, path string) (*schemas.PendingFile, error) {
	f, err := schemas.CreatePending(path)
	if err != nil {
		fmt.Fprintf(e.stderr, "yardstick publish: --%s %s: %v; name a file in a folder you can write to\n", flag, path, err)
	}
	return f, err
}

// writeTimings writes what timings recorded to out (publish --timings),
// commits it, and says so in log beside publish's own time, which the
// statements' can exceed, since some run side by side. A failure to write
// it is reported there too, and leaves the publish's outcome as it was.
func writeTimings(log io.Writer, out *schemas.PendingFile, timings *duckdb.Timings, took time.Duration) {
	stmts := timings.Statements()
	var total time.Duration
	for _, s := range stmts {
		total += s.Total
	}
	err := duckdb.WriteTimingsCSV(out, stmts)
	if err == nil {
		err = out.Commit()
	}
	if err != nil {
		fmt.Fprintf(log, "yardstick publish: could not write the statements' times to %s: %v\n", out.Path(), err)
		return
	}
	fmt.Fprintf(log, "statements' times written to %s: %d statements, %.1fs added up (some run side by side), in a publish of %.1fs\n",
		out.Path(), len(stmts), total.Seconds(), took.Seconds())
}

// writeMemoryTrace writes what trace recorded to out (publish
// --memory-trace), commits it, and says so in log with the sample of the
// highest resident memory. A failure to write it is reported there too,
// and leaves the publish's outcome as it was.
func writeMemoryTrace(log io.Writer, out *schemas.PendingFile, trace *duckdb.MemoryTrace) {
	samples := trace.Samples()
	err := duckdb.WriteMemoryCSV(out, samples)
	if err == nil {
		err = out.Commit()
	}
	if err != nil {
		fmt.Fprintf(log, "yardstick publish: could not write the memory trace to %s: %v\n", out.Path(), err)
		return
	}
	peak, ok := trace.Peak()
	if !ok {
		fmt.Fprintf(log, "memory trace written to %s: no samples (the build's database never opened)\n", out.Path())
		return
	}
	if peak.Resident <= 0 {
		fmt.Fprintf(log, "memory trace written to %s: %d samples; this system does not give the process's resident memory\n",
			out.Path(), len(samples))
		return
	}
	in := "in no statement"
	if peak.Statement != "" {
		in = "in " + peak.Statement
	}
	fmt.Fprintf(log, "memory trace written to %s: %d samples; resident memory highest at %.0fs, %s: %s MB, when DuckDB accounted for %s MB and Go held %s MB%s\n",
		out.Path(), len(samples), peak.At.Seconds(), in, megabytes(peak.Resident), megabytes(peak.DuckDB), megabytes(peak.GoHeld),
		cpuUsed(samples[len(samples)-1]))
}

// cpuUsed says how much CPU time the process used up to the trace's last
// sample last, how much of it in the kernel, and how many cores that kept
// busy on average, as "; CPU 1785.3s in 976.0s (1.83 cores), 414.3s of
// it in the kernel"; "" when the system did not say or no time had
// passed.
func cpuUsed(last duckdb.MemorySample) string {
	if last.UserCPU < 0 || last.SystemCPU < 0 || last.At <= 0 {
		return ""
	}
	cpu := last.UserCPU + last.SystemCPU
	return fmt.Sprintf("; CPU %.1fs in %.1fs (%.2f cores), %.1fs of it in the kernel",
		cpu.Seconds(), last.At.Seconds(), cpu.Seconds()/last.At.Seconds(), last.SystemCPU.Seconds())
}

// megabytes writes n bytes in whole megabytes (10^6 bytes), digits
// grouped; "?" for a figure not known (negative).
func megabytes(n int64) string {
	if n < 0 {
		return "?"
	}
	return schemas.GroupDigits(strconv.FormatInt((n+500_000)/1_000_000, 10))
}

// publishRelease builds a release of the data folder, writing progress to
// log, and explains the errors a user can act on.
func publishRelease(ctx context.Context, cfg *setup, log io.Writer) (*schemas.Release, error) {
	// An ingest that died may have left warehouse files without their
	// submission; publish reads only submitted files, but removing them
	// here means a folder nobody ingests into again is cleaned all the same.
	if err := ingest.RemoveLeftovers(cfg.layout); err != nil {
		fmt.Fprintf(log, "could not remove what an interrupted ingest left: %v\n", err)
	}
	rel, err := cfg.builder(log).Publish(ctx)
	if errors.Is(err, publish.ErrNoSubmissions) {
		return nil, fmt.Errorf("no accepted submissions in %s; ingest returns first", cfg.layout.Submissions())
	}
	if err != nil {
		return nil, err
	}
	since := "the first release"
	if rel.Previous != "" {
		since = fmt.Sprintf("%d revised since %s", rel.Counts.Revised, rel.Previous)
	}
	fmt.Fprintf(log, "Published %d observations and %d comparisons from %d submissions (%s) in %s\n",
		rel.Counts.Observations, rel.Counts.Comparisons, rel.Counts.Submissions, since, rel.Dir)
	return rel, nil
}

// printMisfits explains a publish refused because current figures no
// longer fit the catalogue: which council must send which return again,
// or what to put back in the catalogue.
func printMisfits(w io.Writer, layout schemas.Layout, e *duckdb.CatalogueError) {
	fit := "fit"
	if e.Rows == 1 {
		fit = "fits"
	}
	fmt.Fprintf(w, "yardstick publish: refused: %s from %s no longer %s the metric catalogue in force "+
		"(the built-in one with %s); nothing was published and the live release is unchanged\n",
		plural(e.Rows, "current figure"), plural(e.Councils, "council"), fit, layout.CatalogueFile())
	for _, m := range e.Misfits {
		fmt.Fprintf(w, "  %s\n      fix: %s\n", m, m.Fix())
	}
	if more := e.Groups - len(e.Misfits); more > 0 {
		fmt.Fprintf(w, "  ... and %d more groups of figures like these\n", more)
	}
}
