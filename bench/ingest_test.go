package bench

import (
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
)

// childEnv selects what the test binary does when re-run as a child.
const childEnv = "YARDSTICK_BENCH_CHILD"

func TestMain(m *testing.M) {
	if ok, err := publishChild(os.Getenv(childEnv), os.Args[1:]); ok {
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if mode := os.Getenv(childEnv); mode == "duckdb-copy" || mode == "duckdb-copy-partitioned" {
		if len(os.Args) < 3 {
			fmt.Fprintf(os.Stderr, "%s: want CSV files and a Parquet path, got %q\n", mode, os.Args[1:])
			os.Exit(1)
		}
		last := len(os.Args) - 1
		if err := duckdbCopy(os.Args[1:last], os.Args[last], mode == "duckdb-copy-partitioned"); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	code := m.Run()
	printSummary()
	removeFixture()
	os.Exit(code)
}

// files says how many files n is, in words for one.
func files(n int) string {
	if n == 1 {
		return "one file"
	}
	return fmt.Sprintf("%d files", n)
}

// duckdbCopy is the peer: DuckDB's own CSV-to-Parquet copy, with no checks,
// of the sample's files to one file or, for reference, to the warehouse's
// Hive partitions.
func duckdbCopy(csvPaths []string, parquetPath string, partitioned bool) error {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	// The paths are the benchmark's own temporary files; COPY takes no
	// parameters for its target.
	files := "['" + strings.Join(csvPaths, "', '") + "']"
	q := fmt.Sprintf("COPY (FROM read_csv(%s)) TO '%s' (FORMAT parquet)", files, parquetPath)
	if partitioned {
		q = fmt.Sprintf("COPY (FROM read_csv(%s)) TO '%s' (FORMAT parquet, PARTITION_BY (period, council_code))", files, parquetPath)
	}
	_, err = db.Exec(q)
	return err
}

// measured is one child process's wall time and peak resident memory.
type measured struct {
	wall   time.Duration
	peakMB float64
}

func runChild(b *testing.B, cmd *exec.Cmd) measured {
	b.Helper()
	cmd.Stderr = os.Stderr
	start := time.Now()
	out, err := cmd.Output()
	wall := time.Since(start)
	if err != nil {
		b.Fatalf("%s: %v\n%s", cmd, err, out)
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return measured{wall: wall, peakMB: float64(ru.Maxrss) / 1024}
}

// BenchmarkIngest ingests one sample file of -rows rows (a million unless
// given) three ways: Yardstick's checked ingest (decode, check every row,
// store the file, write the Hive-partitioned warehouse, fsync), DuckDB's
// unchecked COPY of the same CSV to one Parquet file (the peer), and, for
// reference, DuckDB's COPY to the same Hive partitions. Target: Yardstick
// at least half DuckDB's rate, with peak memory under 256 MB.
func BenchmarkIngest(b *testing.B) {
	dir, csvPaths, bin, sum := prepare(b)
	size := inputBytes(b, csvPaths)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dataDir := filepath.Join(dir, fmt.Sprintf("ingest%d", i))
		ys := runChild(b, ingestCommand(bin, dataDir, csvPaths))
		dd := runChild(b, func() *exec.Cmd {
			c := exec.Command(os.Args[0], append(slices.Clone(csvPaths), filepath.Join(dir, fmt.Sprintf("duck%d.parquet", i)))...)
			c.Env = append(os.Environ(), childEnv+"=duckdb-copy")
			return c
		}())
		dp := runChild(b, func() *exec.Cmd {
			c := exec.Command(os.Args[0], append(slices.Clone(csvPaths), filepath.Join(dir, fmt.Sprintf("duckparts%d", i)))...)
			c.Env = append(os.Environ(), childEnv+"=duckdb-copy-partitioned")
			return c
		}())
		ysRate := float64(sum.Rows) / ys.wall.Seconds()
		ddRate := float64(sum.Rows) / dd.wall.Seconds()
		ratio := ysRate / ddRate
		partsRatio := dp.wall.Seconds() / ys.wall.Seconds()
		b.ReportMetric(ysRate, "yardstick-rows/s")
		b.ReportMetric(ddRate, "duckdb-rows/s")
		b.ReportMetric(ratio, "ratio")
		b.ReportMetric(ys.peakMB, "yardstick-peak-MB")
		parts, _ := filepath.Glob(filepath.Join(dataDir, "warehouse", "observations", "period=*", "*.parquet"))
		fmt.Printf("\ningest of %d rows (%.0f MB CSV in %d files): %d councils, %d periods, %d warehouse files\n",
			sum.Rows, float64(size)/1e6, len(csvPaths), sum.Councils, len(sum.Periods), len(parts))
		fmt.Printf("  yardstick ingest (checked): %7.2fs %10.0f rows/s  peak %4.0f MB\n", ys.wall.Seconds(), ysRate, ys.peakMB)
		fmt.Printf("  duckdb COPY (unchecked):    %7.2fs %10.0f rows/s  peak %4.0f MB\n", dd.wall.Seconds(), ddRate, dd.peakMB)
		fmt.Printf("  duckdb COPY to the same Hive partitions (reference): %.2fs %.0f rows/s  peak %.0f MB\n",
			dp.wall.Seconds(), float64(sum.Rows)/dp.wall.Seconds(), dp.peakMB)
		fmt.Printf("  ratio %.2f (target >= 0.50: %s); yardstick peak %.0f MB (target < 256: %s)\n",
			ratio, verdict(ratio >= 0.5), ys.peakMB, verdict(ys.peakMB < 256))
		report(scaleLine{
			what:   fmt.Sprintf("ingest, %s of %d rows (%d partitions)", files(len(csvPaths)), sum.Rows, len(parts)),
			figure: fmt.Sprintf("%.2f s, %.0f rows/s", ys.wall.Seconds(), ysRate),
			peer:   fmt.Sprintf("DuckDB COPY to one Parquet file, unchecked: %.2f s, peak %.0f MB", dd.wall.Seconds(), dd.peakMB),
			ratio:  fmt.Sprintf("%.2f (≥ 0.5: %s)", ratio, verdict(ratio >= 0.5)),
			peak:   fmt.Sprintf("%.0f MB (< 256: %s)", ys.peakMB, verdict(ys.peakMB < 256)),
		})
		report(scaleLine{
			what:   "ingest, against the same Hive partitions",
			figure: fmt.Sprintf("%.2f s", ys.wall.Seconds()),
			peer:   fmt.Sprintf("DuckDB COPY … PARTITION_BY (period, council_code): %.2f s, peak %.0f MB", dp.wall.Seconds(), dp.peakMB),
			ratio:  fmt.Sprintf("%.2f (reference)", partsRatio),
			peak:   fmt.Sprintf("%.0f MB", ys.peakMB),
		})
		// Later benchmarks of the run publish and serve this warehouse
		// rather than ingest the sample again.
		fixture.mu.Lock()
		if fixture.ingested == "" {
			fixture.ingested = dataDir
		}
		fixture.mu.Unlock()
	}
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}
