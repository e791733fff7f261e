package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/user"
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

func runIngest(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "ingest", "ingest [--data DIR] [--mapping FILE] [--council CODE] [--json] FILE...\n\n"+
		"Each FILE is a return: a regular file of at most "+humanLimit+", or - for standard input.")
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
	// and a pipe with no writer is never opened.
	stdinUsed := false
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
			return exitStatus(err)
		}
	}
	code := exitOK
	var reports []*ingest.Report
	for _, path := range fs.Args() {
		opt.Progress = progress(e, path)
		var rep *ingest.Report
		if path == stdinName {
			rep, err = p.Ingest(ctx, e.stdin, "stdin.csv", opt)
		} else {
			rep, err = p.IngestFile(ctx, path, opt)
		}
		if err != nil {
			fmt.Fprintf(e.stderr, "yardstick ingest: %s: %v\n", path, err)
			return exitStatus(err)
		}
		reports = append(reports, rep)
		if !rep.Accepted() {
			code = exitRejected
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
		var v any = reports
		if len(reports) == 1 {
			v = reports[0]
		}
		if err := enc.Encode(v); err != nil {
			fmt.Fprintf(e.stderr, "yardstick ingest: %v\n", err)
			return exitStatus(err)
		}
	}
	return code
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
