package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/yardstick-open/yardstick/publish/duckdb"
	"github.com/yardstick-open/yardstick/registers"
	"github.com/yardstick-open/yardstick/schemas"
)

func init() {
	register("providers", "import the regulators' provider registers (CQC, Ofsted)", runProviders)
}

// runProviders runs yardstick providers and its subcommands.
func runProviders(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 {
		providersUsage(e.stderr)
		return exitUsage
	}
	switch args[0] {
	case "import":
		return runProvidersImport(ctx, e, args[1:])
	case "rebuild":
		return runProvidersRebuild(ctx, e, args[1:])
	case "help", "-h", "-help", "--help":
		providersUsage(e.stdout)
		return exitOK
	}
	fmt.Fprintf(e.stderr, "yardstick providers: unknown subcommand %q\n\n", args[0])
	providersUsage(e.stderr)
	return exitUsage
}

// providersUsage prints the help of yardstick providers.
func providersUsage(w io.Writer) {
	fmt.Fprint(w, `Usage: yardstick providers <subcommand> [flags]

The provider register (providers/register.parquet in the data folder) is
built from the registers the regulators publish: the CQC care directory and
its ratings extracts, and Ofsted's children's social care provider lists.
Each file is kept as received, with a report, under providers/imports/.

Subcommands:
  import [--data DIR] [--mapping FILE] [--as-at DAY] [--json] FILE...
                                                          keep the files and rebuild the register
  rebuild [--data DIR]                                    rebuild the register from the kept imports

Run "yardstick providers <subcommand> -h" for its flags.
`)
}

// mappingHelp shows the mapping file that loads a register whose layout
// is not known.
const mappingHelp = `
A register whose layout is not known is loaded through a mapping file (JSON):

  {
    "regulator": "cqc",
    "skip_rows": 2,
    "columns": {"cqc_location_id": "Loc ref", "name": "Home", "sector": "Owner type"},
    "recode": {"sector": {"Independent": "private"}},
    "as_at": "2024-03-31"
  }

regulator is cqc or ofsted; skip_rows the lines above the header, blank lines
counted; columns maps fields to the file's headers (an identifier of the
regulator among them); recode maps sector
and rating words; as_at is the day the register describes (--as-at gives it
without a mapping, and wins over the mapping's and the file's title). A file
that says no day is taken to describe the day it is imported; one dated after
that day is rejected. The fields:
`

// runProvidersImport keeps register files as imports, then rebuilds the
// register; it exits 1 when a file is rejected.
func runProvidersImport(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "providers import", "providers import [--data DIR] [--mapping FILE] [--as-at DAY] [--json] FILE...")
	dataDir := dataFlag(fs, e)
	mappingPath := fs.String("mapping", "", "a mapping file (JSON) for a register whose layout is not known")
	asAtFlag := fs.String("as-at", "", "the day the files describe (YYYY-MM-DD), where their titles do not say it or say it wrongly; it wins over a title's and the mapping's")
	asJSON := fs.Bool("json", false, "print each file's report as JSON")
	usage := fs.Usage
	fs.Usage = func() {
		usage()
		fmt.Fprint(e.stderr, mappingHelp)
		for _, f := range registers.Fields {
			fmt.Fprintf(e.stderr, "  %s\n", f)
		}
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(e.stderr, "yardstick providers import: name the register files to import")
		fs.Usage()
		return exitUsage
	}
	var opt registers.ImportOptions
	if *mappingPath != "" {
		var err error
		if opt.Mapping, err = registers.ReadMapping(*mappingPath); err != nil {
			fmt.Fprintf(e.stderr, "yardstick providers import: --mapping: %v\n", err)
			return exitUsage
		}
	}
	if *asAtFlag != "" {
		t, err := time.Parse(time.DateOnly, *asAtFlag)
		if err != nil {
			fmt.Fprintf(e.stderr, "yardstick providers import: --as-at %q is not a day written YYYY-MM-DD, as 2024-03-31\n", *asAtFlag)
			return exitUsage
		}
		opt.AsAt = schemas.DateOf(t)
	}
	// Every file is opened and checked before any is read, as ingest does.
	files := make([]*os.File, 0, fs.NArg())
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	for _, name := range fs.Args() {
		f, err := openRegister(name)
		if err != nil {
			fmt.Fprintf(e.stderr, "yardstick providers import: %v\n", err)
			return exitStatus(err)
		}
		files = append(files, f)
	}
	store, err := providerStore(*dataDir)
	if err != nil {
		fmt.Fprintf(e.stderr, "yardstick providers import: %v\n", err)
		return exitStatus(err)
	}
	status := exitOK
	for i, name := range fs.Args() {
		rep, err := store.Import(ctx, name, files[i], opt)
		if err != nil {
			fmt.Fprintf(e.stderr, "yardstick providers import: %s: %v\n", name, err)
			return exitUsage
		}
		if rep.Status != registers.StatusAccepted {
			status = exitRejected
		}
		if *asJSON {
			if err := schemas.EncodeJSON(e.stdout, rep); err != nil {
				return exitUsage
			}
			continue
		}
		printImport(e.stdout, name, rep)
	}
	res, err := store.Rebuild(ctx)
	if err != nil {
		fmt.Fprintf(e.stderr, "yardstick providers import: %v\n", err)
		return exitUsage
	}
	printRebuild(e.stderr, *dataDir, res)
	return status
}

// runProvidersRebuild rebuilds the register from the kept imports.
func runProvidersRebuild(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "providers rebuild", "providers rebuild [--data DIR]")
	dataDir := dataFlag(fs, e)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "yardstick providers rebuild: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return exitUsage
	}
	store, err := providerStore(*dataDir)
	if err != nil {
		fmt.Fprintf(e.stderr, "yardstick providers rebuild: %v\n", err)
		return exitStatus(err)
	}
	res, err := store.Rebuild(ctx)
	if err != nil {
		fmt.Fprintf(e.stderr, "yardstick providers rebuild: %v\n", err)
		return exitUsage
	}
	printRebuild(e.stderr, *dataDir, res)
	return exitOK
}

// providerStore is the provider register of a data folder.
func providerStore(dataDir string) (*registers.Store, error) {
	cfg, err := loadSetup(dataDir)
	if err != nil {
		return nil, err
	}
	return &registers.Store{Root: dataDir, Councils: cfg.councils, WriteParquet: duckdb.WriteRegister}, nil
}

// openRegister opens a register file to import, refusing anything but a
// regular file (or a link to one), so a named pipe cannot block the import
// and a folder is named as such, and a file larger than any register. The
// name is checked before it is opened, so a pipe is never opened, and the
// open file after, so the file read is the file checked.
func openRegister(name string) (*os.File, error) {
	st, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, schemas.Errorf(schemas.EINVALID, "%s is not a regular file", name)
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	fst, err := f.Stat()
	if err == nil && (!fst.Mode().IsRegular() || !os.SameFile(st, fst)) {
		err = schemas.Errorf(schemas.EINVALID, "%s changed while it was opened; import it again", name)
	}
	if err == nil && fst.Size() > registers.MaxBytes {
		err = schemas.Errorf(schemas.ETOOLARGE, "%s is %.1f MB, more than the %d MB a register may be; is it the right file?", name, float64(fst.Size())/(1<<20), registers.MaxBytes>>20)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// printImport prints what the import of one file found, with its first
// problems.
func printImport(w io.Writer, name string, rep *registers.Report) {
	switch {
	case rep.Duplicate != "" && rep.Status == registers.StatusAccepted:
		fmt.Fprintf(w, "%s: the same file was imported before as %s (%s); not stored again\n", name, rep.Duplicate, rep.Status)
		return
	case rep.Duplicate != "":
		// A rejected file sent again is checked again: say why once more.
		fmt.Fprintf(w, "%s: rejected again, as when imported before as %s (not stored again)", name, rep.Duplicate)
	default:
		fmt.Fprintf(w, "%s: %s as import %s", name, rep.Status, rep.Import)
	}
	if l := rep.Layout; l != nil {
		fmt.Fprintf(w, " (%s register, header on line %v", l.Regulator, l.HeaderLines[len(l.HeaderLines)-1])
		if !l.AsAt.IsZero() {
			fmt.Fprintf(w, ", as at %s from %s", l.AsAt, l.AsAtFrom)
		}
		fmt.Fprint(w, ")")
	}
	fmt.Fprintf(w, ": %d rows, %d kept, %d errors, %d warnings\n", rep.Rows, rep.Records, rep.Errors, rep.Warnings)
	for i, p := range rep.Problems {
		if i == 20 {
			fmt.Fprintf(w, "  ... and %d more problems (--json lists them all)\n", len(rep.Problems)-i+rep.Omitted)
			break
		}
		fmt.Fprintf(w, "  %s\n", p)
	}
}

// printRebuild prints what a rebuild wrote, and the imports it left out
// and the warnings it gave.
func printRebuild(w io.Writer, dataDir string, res *registers.RebuildResult) {
	fmt.Fprintf(w, "Provider register: %d providers from %d imports, written to %s\n",
		res.Providers, res.Imports, registers.RegisterFile(dataDir))
	for _, id := range res.Failed {
		fmt.Fprintf(w, "  import %s no longer reads as a register and was left out; see yardstick providers import --json\n", id)
	}
	for _, n := range res.Notes {
		fmt.Fprintf(w, "  warning: %s\n", n)
	}
}
