package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/yardstick-open/yardstick/schemas"
	"github.com/yardstick-open/yardstick/tokens"
)

func init() {
	register("tokens", "create, list and revoke councils' submission tokens", runTokens)
}

// submitExample is how a council submits a return with its token.
const submitExample = `curl -H "Authorization: Bearer <token>" --data-binary @return.csv http://localhost:8080/api/v1/returns`

func runTokens(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 {
		tokensUsage(e.stderr)
		return exitUsage
	}
	switch args[0] {
	case "create":
		return runTokensCreate(ctx, e, args[1:])
	case "list":
		return runTokensList(ctx, e, args[1:])
	case "revoke":
		return runTokensRevoke(ctx, e, args[1:])
	case "help", "-h", "-help", "--help":
		tokensUsage(e.stdout)
		return exitOK
	}
	fmt.Fprintf(e.stderr, "yardstick tokens: unknown subcommand %q\n\n", args[0])
	tokensUsage(e.stderr)
	return exitUsage
}

func tokensUsage(w io.Writer) {
	fmt.Fprint(w, `Usage: yardstick tokens <subcommand> [flags]

A submission token lets a council submit returns for itself, and only for
itself, to POST /api/v1/returns.

Subcommands:
  create --council CODE [--note TEXT] [--data DIR]   make a token and print it, once
  list [--data DIR] [--json]                         list the tokens, live and revoked
  revoke [--data DIR] ID                             revoke a token from now on

Run "yardstick tokens <subcommand> -h" for its flags.
`)
}

func runTokensCreate(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "tokens create", "tokens create --council CODE [--note TEXT] [--data DIR]")
	dataDir := dataFlag(fs, e)
	council := fs.String("council", "", "the council the token submits for (GSS code or name)")
	note := fs.String("note", "", "a note listed with the token, such as who holds it")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "yardstick tokens create: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return exitUsage
	}
	if strings.TrimSpace(*council) == "" {
		fmt.Fprintln(e.stderr, "yardstick tokens create: name the council with --council")
		fs.Usage()
		return exitUsage
	}
	cfg, err := loadSetup(*dataDir)
	if err != nil {
		fmt.Fprintf(e.stderr, "yardstick tokens create: %v\n", err)
		return exitStatus(err)
	}
	c, err := tokenCouncil(cfg.councils, *council, time.Now())
	if err != nil {
		fmt.Fprintf(e.stderr, "yardstick tokens create: --council: %v\n", err)
		return exitStatus(err)
	}
	store := &tokens.Store{Path: cfg.layout.TokensFile()}
	secret, t, err := store.Create(ctx, c.Code, *note, time.Now())
	if err != nil {
		fmt.Fprintf(e.stderr, "yardstick tokens create: %v\n", err)
		return exitStatus(err)
	}
	// The token alone goes to stdout, so a script can capture it; the
	// advice is for the person at the terminal.
	fmt.Fprintln(e.stdout, secret)
	fmt.Fprintf(e.stderr, "Token %s for %s (%s) is shown only this once; the council submits with: %s\n",
		t.ID, c.Name, c.Code, submitExample)
	return exitOK
}

// tokenCouncil resolves the council a token is made for as ingest resolves
// --council, and refuses one that has been abolished by now: a token is for
// returns still to come, and those belong to its successors.
func tokenCouncil(cs *schemas.Councils, given string, now time.Time) (*schemas.Council, error) {
	c, err := cs.ResolveGiven(given)
	if err != nil {
		return nil, err
	}
	if c.End.IsZero() || now.Before(c.End) {
		return c, nil
	}
	// Resolved at today's date, the register explains the abolition and
	// names the successors.
	_, err = cs.Resolve(given, now)
	var ce *schemas.CouncilError
	if errors.As(err, &ce) && ce.Hint != "" {
		return nil, schemas.Errorf(schemas.EINVALID, "%w; %s", err, ce.Hint)
	}
	return nil, schemas.Errorf(schemas.EINVALID, "%s (%s) was abolished on %s", c.Name, c.Code, c.End.Format(time.DateOnly))
}

// listedToken is a token as tokens list --json prints it.
type listedToken struct {
	tokens.Token
	CouncilName string `json:"council_name"`
	Status      string `json:"status"` // live or revoked
}

func runTokensList(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "tokens list", "tokens list [--data DIR] [--json]")
	dataDir := dataFlag(fs, e)
	asJSON := fs.Bool("json", false, "print the tokens as JSON")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "yardstick tokens list: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return exitUsage
	}
	cfg, err := loadSetup(*dataDir)
	if err != nil {
		fmt.Fprintf(e.stderr, "yardstick tokens list: %v\n", err)
		return exitStatus(err)
	}
	store := &tokens.Store{Path: cfg.layout.TokensFile()}
	list, err := store.List(ctx)
	if err != nil {
		fmt.Fprintf(e.stderr, "yardstick tokens list: %v\n", err)
		return exitStatus(err)
	}
	listed := make([]listedToken, 0, len(list))
	for _, t := range list {
		l := listedToken{Token: t, CouncilName: councilName(cfg.councils, t.Council), Status: "live"}
		if !t.Live() {
			l.Status = "revoked"
		}
		listed = append(listed, l)
	}
	if *asJSON {
		if err := schemas.EncodeJSON(e.stdout, listed); err != nil {
			fmt.Fprintf(e.stderr, "yardstick tokens list: %v\n", err)
			return exitStatus(err)
		}
		return exitOK
	}
	if len(listed) == 0 {
		fmt.Fprintf(e.stdout, "No tokens in %s; make one with yardstick tokens create --council CODE\n", *dataDir)
		return exitOK
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCOUNCIL\tNAME\tCREATED\tSTATUS\tNOTE")
	for _, l := range listed {
		status := l.Status
		if !l.Live() {
			status += " at " + listTime(*l.Revoked)
		}
		// A note is free text: kept to one line, it cannot break the table.
		note := strings.Join(strings.Fields(l.Note), " ")
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", l.ID, l.Council, l.CouncilName, listTime(l.Created), status, note)
	}
	if err := tw.Flush(); err != nil {
		fmt.Fprintf(e.stderr, "yardstick tokens list: %v\n", err)
		return exitStatus(err)
	}
	return exitOK
}

// councilName returns the register's name for a token's council, or "?"
// if the register no longer knows the code.
func councilName(cs *schemas.Councils, code string) string {
	c, err := cs.Resolve(code, time.Time{})
	if err != nil {
		return "?"
	}
	return c.Name
}

// listTime formats a time for the list, in UTC to the second.
func listTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func runTokensRevoke(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "tokens revoke", "tokens revoke [--data DIR] ID")
	dataDir := dataFlag(fs, e)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(e.stderr, "yardstick tokens revoke: name one token id; yardstick tokens list shows them")
		fs.Usage()
		return exitUsage
	}
	id := strings.TrimSpace(fs.Arg(0))
	store := &tokens.Store{Path: schemas.Layout{Root: *dataDir}.TokensFile()}
	if err := store.Revoke(ctx, id, time.Now()); err != nil {
		fmt.Fprintf(e.stderr, "yardstick tokens revoke: %v", err)
		if schemas.ErrorCode(err) == schemas.ENOTFOUND {
			fmt.Fprintf(e.stderr, " in %s; yardstick tokens list shows the tokens", *dataDir)
		}
		fmt.Fprintln(e.stderr)
		return exitStatus(err)
	}
	// Revoking a revoked token keeps its first time, which the list has.
	list, err := store.List(ctx)
	if err != nil {
		fmt.Fprintf(e.stderr, "yardstick tokens revoke: %v\n", err)
		return exitStatus(err)
	}
	for _, t := range list {
		if t.ID == id && t.Revoked != nil {
			fmt.Fprintf(e.stdout, "Token %s for %s revoked at %s; returns submitted with it are refused\n", t.ID, t.Council, listTime(*t.Revoked))
		}
	}
	return exitOK
}
