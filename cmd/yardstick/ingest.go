package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"os/user"
	"runtime/debug"
	"strings"
	"time"

	"github.com/yardstick-open/yardstick/ingest"
	"github.com/yardstick-open/yardstick/schemas"
	"github.com/yardstick-open/yardstick/schemas/config"
)

func init() {
	register("ingest", "check returns and add accepted ones to the warehouse", runIngest)
}

// maxPrinted is how many problems the human summary prints per file; the
// report.json in the submission folder, and --json, have them all.
const maxPrinted = 50

// ingestSynopsis is the start of "yardstick ingest -h": what the command
// takes, what it does and how it ends, for an officer who has only the
// binary.
var ingestSynopsis = `ingest [--data DIR] [--mapping FILE] [--council CODE] [--json] FILE...

Checks each return and stores it, accepted or rejected, in the data folder with
its report; the rows of an accepted return go to the warehouse for the next
publish. Each FILE is a return: a regular file of at most ` + humanLimit + `, or - for
standard input. Flags may come before or after the files.

A return is a CSV with a header row naming these columns (other spellings, such
as "LA code", "Provider", "Measure", "Quarter", are recognised):
  ` + strings.Join(schemas.Columns, ", ") + `
The provider columns are left blank for a figure for the council as a whole.
Give value, or numerator and denominator, or both. Another layout, such as one
column per metric, needs a mapping file (--mapping).

A return replaces the council's earlier return for each period and service it
covers as a whole: send every row again, corrected or not. Rows the earlier
return had and this one leaves out are withdrawn at the next publish (the report
warns, withdraws_rows). Sending the same file again is recognised and not stored
twice; sending an earlier file again makes it current again.

Exit status: 0 when every return was accepted, 1 when a return was rejected
(its problems are listed, with line, column and a hint), 2 when the command
was used wrongly or a file could not be read or stored. No file is read
unless every FILE can be.`

// ingestMemoryLimit is the soft memory limit `yardstick ingest` runs under
// (runtime/debug.SetMemoryLimit) unless GOMEMLIMIT is set.
const ingestMemoryLimit = 180 << 20

func runIngest(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "ingest", ingestSynopsis)
	dataDir := dataFlag(fs, e)
	mappingPath := fs.String("mapping", "", "mapping file (YAML) for returns in another layout")
	council := fs.String("council", "", "the council the returns are for (GSS code or name); every row must be for it")
	asJSON := fs.Bool("json", false, "print the reports as JSON")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(e.stderr, "yardstick ingest: name at least one return file")
		fs.Usage()
		return exitUsage
	}
	cfg, err := loadSetup(*dataDir)
	if err != nil {
		fmt.Fprintf(e.stderr, "yardstick ingest: %v\n", err)
		return exitStatus(err)
	}
	// Ingest's live heap stays under about 80 MiB at any size, but at
	// tens of millions of rows it allocates fast enough that the heap grew
	// to 333 MB before the collector caught up; a soft limit keeps it under
	// the 256 MB ingest promises (217 MB for 20 million rows, BENCHMARKS.md).
	// A limit already set (GOMEMLIMIT) is the operator's choice and stands.
	if debug.SetMemoryLimit(-1) == math.MaxInt64 {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(ingestMemoryLimit))
	}
	p := cfg.pipeline()
	// The council is checked once, before any file is read, and reported
	// by its flag, which the ingest library, having no flags, cannot name.
	if *council != "" {
		if _, err := cfg.councils.ResolveGiven(*council); err != nil {
			fmt.Fprintf(e.stderr, "yardstick ingest: --council: %v\n", err)
			return exitStatus(err)
		}
	}
	opt := ingest.Options{Council: *council, Submitter: submitter()}
	if *mappingPath != "" {
		if opt.Mapping, err = config.ReadMapping(*mappingPath); err != nil {
			fmt.Fprintf(e.stderr, "yardstick ingest: --mapping: %v\n", err)
			return exitStatus(err)
		}
	}
	// Every file is checked before any is read: a folder, a device or a
	// named pipe among them is refused without ingesting the others first,
	// and a pipe with no writer is never opened. Each one that cannot be
	// read is named, not just the first.
	stdinUsed := false
	refused := 0
	for _, path := range fs.Args() {
		var err error
		switch {
		case path == stdinName && stdinUsed:
			err = schemas.Errorf(schemas.EINVALID, "standard input (-) can be read only once")
		case path == stdinName:
			stdinUsed, err = true, checkStdin(e.stdin)
		default:
			err = ingest.CheckFile(path, 0)
		}
		if err != nil {
			fmt.Fprintf(e.stderr, "yardstick ingest: %s: %v\n", path, err)
			refused++
		}
	}
	if refused > 0 {
		fmt.Fprintf(e.stderr, "yardstick ingest: %s of %d cannot be read; no file was ingested\n", plural(refused, "file"), fs.NArg())
		return exitUsage
	}
	code := exitOK
	var results []any // a report, or a fileError for a file that failed
	accepted, rejected, failed := 0, 0, 0
	for i, path := range fs.Args() {
		if ctx.Err() != nil {
			fmt.Fprintf(e.stderr, "yardstick ingest: stopped; not read: %s\n", strings.Join(fs.Args()[i:], ", "))
			code = exitUsage
			break
		}
		opt.Progress = progress(e, path)
		var rep *ingest.Report
		if path == stdinName {
			rep, err = p.Ingest(ctx, e.stdin, "stdin.csv", opt)
		} else {
			rep, err = p.IngestFile(ctx, path, opt)
		}
		if err != nil {
			// The other files are still ingested: each is a submission of
			// its own, and each is reported.
			fmt.Fprintf(e.stderr, "yardstick ingest: %s: %v\n", path, err)
			results = append(results, fileError{File: path, Status: "error", Error: err.Error()})
			failed++
			code = exitUsage
			continue
		}
		results = append(results, rep)
		if rep.Accepted() {
			accepted++
		} else {
			rejected++
			if code == exitOK {
				code = exitRejected
			}
		}
		if !*asJSON {
			label := path
			if path == stdinName {
				label = "standard input"
			}
			printReport(e.stdout, label, p.Layout, rep)
		}
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		var v any = results
		if len(results) == 1 && fs.NArg() == 1 {
			v = results[0]
		}
		if err := enc.Encode(v); err != nil {
			fmt.Fprintf(e.stderr, "yardstick ingest: %v\n", err)
			return exitStatus(err)
		}
	} else if fs.NArg() > 1 {
		fmt.Fprintf(e.stdout, "%d returns: %d accepted, %d rejected", fs.NArg(), accepted, rejected)
		if failed > 0 {
			fmt.Fprintf(e.stdout, ", %d not stored (see the errors above)", failed)
		}
		if n := fs.NArg() - accepted - rejected - failed; n > 0 {
			fmt.Fprintf(e.stdout, ", %d not read", n)
		}
		fmt.Fprintln(e.stdout)
	}
	return code
}

// fileError is what --json gives, in place of a report, for a file that
// could not be ingested at all.
type fileError struct {
	File   string `json:"file"`
	Status string `json:"status"` // "error"
	Error  string `json:"error"`
}

// stdinName is the file name that stands for standard input.
const stdinName = "-"

// humanLimit is ingest.DefaultMaxBytes as messages give it.
var humanLimit = fmt.Sprintf("%d GiB", ingest.DefaultMaxBytes>>30)

// checkStdin refuses standard input that is not a return ingest can read:
// a folder, or a device such as a terminal or /dev/zero, which would be
// read for ever. A file, a pipe or a socket is read, up to the limit.
func checkStdin(r io.Reader) error {
	f, ok := r.(*os.File)
	if !ok {
		return nil
	}
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("standard input: %w", err)
	}
	switch m := st.Mode(); {
	case m.IsDir():
		return schemas.Errorf(schemas.EINVALID, "standard input is a folder, not a return")
	case m&fs.ModeDevice != 0:
		return schemas.Errorf(schemas.EINVALID, "standard input is a device (a terminal, or one such as /dev/zero), not a return; redirect a file to it (< return.csv) or pipe one into it")
	case m.IsRegular() && st.Size() > ingest.DefaultMaxBytes:
		return schemas.Errorf(schemas.ETOOLARGE, "standard input is a file larger than the %s a return may be", humanLimit)
	}
	return nil
}

// progress returns a reporter that tells stderr how a long ingest is
// getting on, at most every two seconds, with the share of the file read.
func progress(e *env, path string) func(rows int, read int64) {
	var size int64
	if path != stdinName {
		if st, err := os.Stat(path); err == nil {
			size = st.Size()
		}
	}
	last := time.Now()
	return func(rows int, read int64) {
		if time.Since(last) < 2*time.Second {
			return
		}
		last = time.Now()
		if size > 0 {
			fmt.Fprintf(e.stderr, "%s: %d rows checked (%d%% of the file)\n", path, rows, read*100/size)
			return
		}
		fmt.Fprintf(e.stderr, "%s: %d rows checked\n", path, rows)
	}
}

func submitter() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return "cli:" + u.Username
	}
	return "cli"
}

func printReport(w io.Writer, path string, layout schemas.Layout, rep *ingest.Report) {
	switch {
	case rep.Duplicate != "":
		fmt.Fprintf(w, "%s: already received as submission %s (%s); not stored again\n", path, rep.Duplicate, rep.Status)
	case rep.Accepted():
		fmt.Fprintf(w, "%s: accepted as submission %s: %d rows", path, rep.Submission, rep.Rows)
		if len(rep.Councils) > 0 {
			fmt.Fprintf(w, ", %s", summarise(rep.Councils))
		}
		if len(rep.Periods) > 0 {
			fmt.Fprintf(w, ", %s", summarise(rep.Periods))
		}
		fmt.Fprintln(w)
	default:
		fmt.Fprintf(w, "%s: rejected: %s, %s; nothing was added to the warehouse\n", path,
			plural(rep.Errors, "error"), plural(rep.Warnings, "warning"))
		fmt.Fprintf(w, "  the file and its report are kept in %s\n", layout.Submission(rep.Submission))
	}
	for i, p := range rep.Problems {
		if i == maxPrinted {
			fmt.Fprintf(w, "  ... and %d more; see report.json in the submission folder, or use --json\n", len(rep.Problems)-maxPrinted)
			break
		}
		fmt.Fprintf(w, "  %s\n", strings.ReplaceAll(p.String(), "\n", "\n  "))
	}
	for code, n := range rep.Omitted {
		fmt.Fprintf(w, "  (%d more %s problems not listed)\n", n, code)
	}
}

func summarise(items []string) string {
	if len(items) <= 3 {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s ... %s (%d)", items[0], items[len(items)-1], len(items))
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
