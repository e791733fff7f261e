package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/yardstick-open/yardstick/ingest"
	"github.com/yardstick-open/yardstick/ingest/sample"
	"github.com/yardstick-open/yardstick/publish/api"
)

func init() {
	register("demo", "write sample returns for every English council, ingest, publish and serve them", runDemo)
}

// demoMarker marks a folder the demo made, so a second run may clear it
// and never clears a folder of real data.
const demoMarker = ".yardstick-demo"

func runDemo(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "demo", "demo [--data DIR] [--rows N] [--seed S] [--addr :8080] [--no-serve]")
	dataDir := fs.String("data", "yardstick-demo", "folder for the demo's data; cleared first if an earlier demo made it")
	rows := fs.Int("rows", 0, "approximate number of sample rows (0: every English council, 8 quarters)")
	seed := fs.Uint64("seed", 1, "random seed for the sample returns")
	addr := fs.String("addr", "localhost:8080", "address to serve the release on when it is published (localhost: this machine only)")
	noServe := fs.Bool("no-serve", false, "stop once the release is published instead of serving it")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "yardstick demo: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	if err := prepareDemoFolder(*dataDir); err != nil {
		fmt.Fprintf(e.stderr, "yardstick demo: %v\n", err)
		return exitUsage
	}
	start := time.Now()
	cfg, err := loadSetup(*dataDir)
	if err != nil {
		fmt.Fprintf(e.stderr, "yardstick demo: %v\n", err)
		return exitUsage
	}
	p := cfg.pipeline()
	returns := filepath.Join(*dataDir, "sample-returns")
	fmt.Fprintf(e.stdout, "Writing sample returns to %s ...\n", returns)
	sum, err := sample.Generate(returns, p.Catalogue, p.Councils, sample.Options{Rows: *rows, Seed: *seed})
	if err != nil {
		fmt.Fprintf(e.stderr, "yardstick demo: %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(e.stdout, "  %d files, %d rows, %d councils, %d providers, %d periods\n",
		sum.Files, sum.Rows, sum.Councils, sum.Providers, len(sum.Periods))

	files, err := filepath.Glob(filepath.Join(returns, "*.csv"))
	if err != nil {
		fmt.Fprintf(e.stderr, "yardstick demo: %v\n", err)
		return exitUsage
	}
	sort.Strings(files)
	fmt.Fprintf(e.stdout, "Ingesting %d returns into %s ...\n", len(files), *dataDir)
	// Returns are ingested four at a time: each waits mostly on fsync, and
	// the pipeline is safe for concurrent use on different files.
	type result struct {
		file string
		rep  *ingest.Report
		err  error
	}
	jobs := make(chan string)
	results := make(chan result)
	opt := ingest.Options{Submitter: "demo"}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for f := range jobs {
				rep, err := p.IngestFile(ctx, f, opt)
				results <- result{f, rep, err}
			}
		})
	}
	go func() {
		for _, f := range files {
			jobs <- f
		}
		close(jobs)
		wg.Wait()
		close(results)
	}()
	var accepted, rejected, rowsIn, done int
	var firstErr error
	step := max(1, len(files)/10)
	for r := range results {
		done++
		switch {
		case r.err != nil:
			if firstErr == nil {
				firstErr = fmt.Errorf("%s: %w", r.file, r.err)
			}
		case r.rep.Accepted():
			accepted++
			rowsIn += r.rep.Rows
		default:
			rejected++
			printReport(e.stderr, r.file, p.Layout, r.rep)
		}
		if done%step == 0 || done == len(files) {
			fmt.Fprintf(e.stdout, "  %d/%d returns (%d rows accepted)\n", done, len(files), rowsIn)
		}
	}
	if firstErr != nil {
		fmt.Fprintf(e.stderr, "yardstick demo: %v\n", firstErr)
		return exitUsage
	}
	fmt.Fprintf(e.stdout, "Ingested in %s: %d returns accepted, %d rejected, %d rows in the warehouse at %s\n",
		time.Since(start).Round(100*time.Millisecond), accepted, rejected, rowsIn, p.Layout.Observations())

	start = time.Now()
	fmt.Fprintf(e.stdout, "Publishing a release of %s ...\n", *dataDir)
	rel, err := publishRelease(ctx, cfg, indent{e.stdout})
	if err != nil {
		fmt.Fprintf(e.stderr, "yardstick demo: publish: %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(e.stdout, "Published in %s: release %s at %s\n", time.Since(start).Round(100*time.Millisecond), rel.ID, rel.Dir)
	code := exitOK
	if rejected > 0 {
		code = exitRejected
	}
	if *noServe {
		return code
	}
	if err := serve(ctx, e, cfg, *addr, api.DefaultRate); err != nil {
		fmt.Fprintf(e.stderr, "yardstick demo: %v\n", err)
		return exitStatus(err)
	}
	return code
}

// indent writes each line it is given indented, as the demo shows a
// step's progress under its heading.
type indent struct{ w io.Writer }

func (i indent) Write(p []byte) (int, error) {
	if _, err := fmt.Fprintf(i.w, "  %s", p); err != nil {
		return 0, err
	}
	return len(p), nil
}

// prepareDemoFolder empties a folder an earlier demo made, and refuses to
// touch one that holds anything else.
func prepareDemoFolder(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case os.IsNotExist(err):
	case err != nil:
		return err
	case len(entries) > 0:
		if _, err := os.Stat(filepath.Join(dir, demoMarker)); err != nil {
			return fmt.Errorf("%s already holds files the demo did not make; choose another folder with --data", dir)
		}
		if err := os.RemoveAll(dir); err != nil {
			return fmt.Errorf("clear the earlier demo: %w", err)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, demoMarker), []byte("made by yardstick demo; the next demo clears this folder\n"), 0o644)
}
