package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/yardstick-open/yardstick/publish"
	"github.com/yardstick-open/yardstick/schemas"
)

func init() {
	register("publish", "build a release from the warehouse and make it live", runPublish)
}

func runPublish(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "publish", "publish [--data DIR]")
	dataDir := dataFlag(fs, e)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "yardstick publish: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
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
	rel, err := publishRelease(ctx, cfg, e.stdout)
	if err != nil {
		fmt.Fprintf(e.stderr, "yardstick publish: %v\n", err)
		return exitStatus(err)
	}
	fmt.Fprintln(e.stdout, rel.ID)
	return exitOK
}

// publishRelease builds a release of the data folder, writing progress to
// log, and explains the errors a user can act on.
func publishRelease(ctx context.Context, cfg *setup, log io.Writer) (*schemas.Release, error) {
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
