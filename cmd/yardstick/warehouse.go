package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/yardstick-open/yardstick/ingest"
	"github.com/yardstick-open/yardstick/schemas"
)

func init() {
	register("warehouse", "maintain the warehouse of checked rows (migrate to layout 2)", runWarehouse)
}

// runWarehouse runs yardstick warehouse and its subcommands.
func runWarehouse(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 {
		warehouseUsage(e.stderr)
		return exitUsage
	}
	switch args[0] {
	case "migrate":
		return runWarehouseMigrate(ctx, e, args[1:])
	case "help", "-h", "-help", "--help":
		warehouseUsage(e.stdout)
		return exitOK
	}
	fmt.Fprintf(e.stderr, "yardstick warehouse: unknown subcommand %q\n\n", args[0])
	warehouseUsage(e.stderr)
	return exitUsage
}

// warehouseUsage prints the help of yardstick warehouse.
func warehouseUsage(w io.Writer) {
	fmt.Fprint(w, `Usage: yardstick warehouse <subcommand> [flags]

The warehouse (warehouse/observations in the data folder) holds every
accepted submission's rows as Hive-partitioned Parquet. Layout 2 keeps one
file per submission and period (period=<period>/<id>_<gss>.parquet, or
<id>.parquet for several councils); layout 1, written before, kept one per
submission, period and council (period=<period>/council=<gss>/<id>.parquet).
Ingest refuses a warehouse in layout 1 until it is migrated.

Subcommands:
  migrate [--data DIR] [--remove-old]   move a layout 1 warehouse to layout 2, once

Run "yardstick warehouse <subcommand> -h" for its flags.
`)
}

// runWarehouseMigrate moves a data folder's warehouse to layout 2.
func runWarehouseMigrate(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "warehouse migrate", "warehouse migrate [--data DIR] [--remove-old]\n\n"+
		"Moves the warehouse from layout 1 (a file per submission, period and council) to\n"+
		"layout 2 (a file per submission and period). The old tree is kept as\n"+
		"warehouse/.observations-v1-<time>/ unless --remove-old is given. It holds the\n"+
		"publish lock and refuses to start while an ingest is running; run it again after\n"+
		"a crash and it finishes what was begun.")
	dataDir := dataFlag(fs, e)
	removeOld := fs.Bool("remove-old", false, "remove the layout 1 tree once the new one is in place")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "yardstick warehouse migrate: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return exitUsage
	}
	if st, err := os.Stat(*dataDir); err != nil || !st.IsDir() {
		fmt.Fprintf(e.stderr, "yardstick warehouse migrate: %s is not a data folder; give one with --data DIR\n", *dataDir)
		return exitUsage
	}
	layout := schemas.Layout{Root: *dataDir}
	start := time.Now()
	rep, err := ingest.MigrateWarehouse(ctx, layout, ingest.MigrateOptions{
		RemoveOld: *removeOld,
		Progress:  func(line string) { fmt.Fprintf(e.stderr, "migrate: %s\n", line) },
	})
	if err != nil {
		fmt.Fprintf(e.stderr, "yardstick warehouse migrate: %v\n", err)
		return exitUsage
	}
	switch {
	case rep.Already:
		fmt.Fprintf(e.stdout, "%s is in layout %d already\n", layout.Observations(), schemas.WarehouseLayoutVersion)
	default:
		fmt.Fprintf(e.stdout, "%s is in layout %d: %d files linked, %d merged from %d (%d rows, compared with their sources), in %s\n",
			layout.Observations(), schemas.WarehouseLayoutVersion, rep.Linked, rep.Merged, rep.Sources, rep.Rows,
			time.Since(start).Round(time.Millisecond))
		if rep.Left > 0 {
			fmt.Fprintf(e.stdout, "%d files of submissions not accepted (rejected, or left by an ingest that died) were left in the old tree\n", rep.Left)
		}
	}
	if rep.Old != "" {
		fmt.Fprintf(e.stdout, "the layout 1 tree is kept in %s; remove it once you no longer need it (or run with --remove-old)\n", rep.Old)
	}
	for _, r := range rep.Removed {
		fmt.Fprintf(e.stdout, "removed %s\n", r)
	}
	return exitOK
}
