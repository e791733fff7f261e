package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/yardstick-open/yardstick/data"
	"github.com/yardstick-open/yardstick/ingest/sample"
	"github.com/yardstick-open/yardstick/schemas"
	"github.com/yardstick-open/yardstick/schemas/config"
)

func init() {
	register("sample", "write realistic synthetic returns (for demos, tests and benchmarks)", runSample)
}

func runSample(_ context.Context, e *env, args []string) int {
	fs := newFlags(e, "sample", "sample [--rows N] [--seed S] [--one-file] [--totals] DIR")
	rows := fs.Int("rows", 0, "approximate number of rows in total (0: every English council, 8 quarters)")
	seed := fs.Uint64("seed", 1, "random seed; the same seed writes the same files")
	oneFile := fs.Bool("one-file", false, "write one canonical "+sample.OneFileName+" instead of a file per council and period")
	totals := fs.Bool("totals", false, "have about half the councils add a council-wide total of each provider metric with counts, as disclosure control must protect against")
	// Flags may follow the folder too (sample DIR --rows 1000), as
	// parseFlags allows for every command.
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	dirs := fs.Args()
	if len(dirs) != 1 {
		fmt.Fprintln(e.stderr, "yardstick sample: name one folder to write the returns to")
		fs.Usage()
		return exitUsage
	}
	if *rows < 0 {
		fmt.Fprintf(e.stderr, "yardstick sample: --rows must be 0 or more, not %d\n", *rows)
		return exitUsage
	}
	dir := dirs[0]
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		fmt.Fprintf(e.stderr, "yardstick sample: %s is a file, not a folder\n", dir)
		return exitUsage
	}
	cat, err := config.Builtin()
	if err != nil {
		fmt.Fprintf(e.stderr, "yardstick sample: %v\n", err)
		return exitUsage
	}
	councils, err := schemas.LoadCouncils(data.Reference())
	if err != nil {
		fmt.Fprintf(e.stderr, "yardstick sample: %v\n", err)
		return exitUsage
	}
	start := time.Now()
	sum, err := sample.Generate(dir, cat, councils, sample.Options{Rows: *rows, Seed: *seed, OneFile: *oneFile, Totals: *totals})
	if err != nil {
		fmt.Fprintf(e.stderr, "yardstick sample: %v\n", err)
		return exitUsage
	}
	span := "no periods"
	if n := len(sum.Periods); n > 0 {
		span = fmt.Sprintf("%s periods (%s to %s)", sampleNum(n), sum.Periods[0].ID, sum.Periods[n-1].ID)
	}
	files := "files"
	if sum.Files == 1 {
		files = "file"
	}
	fmt.Fprintf(e.stdout, "Wrote %s rows in %s %s to %s in %s\n",
		sampleNum(sum.Rows), sampleNum(sum.Files), files, dir, time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(e.stdout, "  %s councils, %s providers, %s\n", sampleNum(sum.Councils), sampleNum(sum.Providers), span)
	fmt.Fprintf(e.stdout, "  %s cells suppressed [c], %s missing\n", sampleNum(sum.Suppressed), sampleNum(sum.Missing))
	return exitOK
}

// sampleNum writes n with commas between groups of three digits.
func sampleNum(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + sampleNum(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
