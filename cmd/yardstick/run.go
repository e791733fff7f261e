package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/yardstick-open/yardstick/schemas"
)

// Exit codes shared by every command.
const (
	exitOK       = 0
	exitRejected = 1 // a return was checked and rejected
	exitUsage    = 2 // bad flags, unreadable files, I/O failures
)

// exitStatus is the one place application error codes (schemas.EINVALID
// and the rest) become exit statuses; nil is exitOK. The documented
// contract gives every error one status, exitUsage, I/O failures and
// internal errors included, so each code maps to it for now: a code that
// earns a status of its own gets it here, and every command follows.
func exitStatus(err error) int {
	if schemas.ErrorCode(err) == "" {
		return exitOK
	}
	return exitUsage
}

// command is one subcommand: its one-line summary and its entry point.
type command struct {
	summary string
	run     func(ctx context.Context, env *env, args []string) int
}

// env is what a command may touch: its arguments' streams and the process
// environment, passed in so tests can drive run directly.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

// commands lists the subcommands; each lives in a file of its own.
var commands = map[string]command{}

// register adds a subcommand; each command file calls it from init.
func register(name, summary string, run func(ctx context.Context, env *env, args []string) int) {
	commands[name] = command{summary: summary, run: run}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	e := &env{stdin: os.Stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv}
	if len(args) == 2 && args[0] == "help" {
		// "yardstick help ingest" is "yardstick ingest -h".
		if cmd, ok := commands[args[1]]; ok {
			return cmd.run(ctx, e, []string{"-h"})
		}
	}
	if len(args) == 1 && (args[0] == "--version" || args[0] == "-version" || args[0] == "version") {
		fmt.Fprintln(stdout, versionLine())
		return exitOK
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "yardstick: unknown command %q\n\n", args[0])
		usage(stderr)
		return exitUsage
	}
	return cmd.run(ctx, e, args[1:])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Yardstick publishes comparable data on the performance of the providers councils commission.")
	fmt.Fprintln(w, "\nUsage: yardstick <command> [flags]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun \"yardstick help <command>\" for a command's flags, \"yardstick --version\" for the version.")
}

// versionLine says which build of yardstick this is: the module's version
// (a tag, or "(devel)" for a build from a work tree), the commit it was
// built from, whether the work tree had changes, and the Go release.
func versionLine() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "yardstick (unknown version) " + runtime.Version()
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = ", modified"
			}
		}
	}
	line := "yardstick " + v
	if rev != "" {
		line += " (commit " + rev[:min(12, len(rev))] + modified + ")"
	}
	return line + " " + bi.GoVersion
}

// newFlags returns a flag set for a command that reports errors to stderr.
func newFlags(e *env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: yardstick %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, returning the exit code to stop with when parsing
// ends the command (help asked for, or a bad flag). Flags may come before,
// between or after the other arguments, so "ingest FILE --data DIR" reads
// FILE into DIR rather than taking --data for a file; everything after
// "--" is an argument, even if it starts with a dash.
func parseFlags(fs *flag.FlagSet, args []string) (int, bool) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return exitOK, false
			}
			return exitUsage, false
		}
		left := fs.Args()
		if len(left) == 0 {
			break
		}
		// Parse stops at the first argument that is not a flag, or
		// just after "--".
		if used := len(args) - len(left); used > 0 && args[used-1] == "--" {
			rest = append(rest, left...)
			break
		}
		rest = append(rest, left[0])
		args = left[1:]
	}
	// Parse again with only the arguments, so fs.Args returns them: the
	// flags keep the values already set.
	if err := fs.Parse(append([]string{"--"}, rest...)); err != nil {
		return exitUsage, false
	}
	return 0, true
}

// dataFlag adds the --data flag, defaulting to $YARDSTICK_DATA or
// ./yardstick-data.
func dataFlag(fs *flag.FlagSet, e *env) *string {
	def := e.getenv("YARDSTICK_DATA")
	if strings.TrimSpace(def) == "" {
		def = "yardstick-data"
	}
	return fs.String("data", def, "data folder (env YARDSTICK_DATA)")
}
