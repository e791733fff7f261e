package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"time"

	"github.com/yardstick-open/yardstick/ingest"
	"github.com/yardstick-open/yardstick/publish/api"
	"github.com/yardstick-open/yardstick/schemas"
	"github.com/yardstick-open/yardstick/tokens"
)

func init() {
	register("serve", "serve the current release: website, downloads, JSON API and returns sent with tokens", runServe)
}

func runServe(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "serve", "serve [--data DIR] [--addr :8080] [--rate N]")
	dataDir := dataFlag(fs, e)
	addr := fs.String("addr", ":8080", "address to listen on (host:port; :0 picks a free port)")
	rate := fs.Float64("rate", api.DefaultRate, "requests a second each client (IP address) may make on average; 0 for no limit")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "yardstick serve: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	cfg, err := loadSetup(*dataDir)
	if err != nil {
		fmt.Fprintf(e.stderr, "yardstick serve: %v\n", err)
		return exitStatus(err)
	}
	if *rate < 0 {
		fmt.Fprintf(e.stderr, "yardstick serve: --rate must not be negative, got %g\n", *rate)
		return exitUsage
	}
	if *rate == 0 {
		*rate = -1 // api.Config reads a negative rate as no limit
	}
	if err := serve(ctx, e, cfg, *addr, *rate); err != nil {
		fmt.Fprintf(e.stderr, "yardstick serve: %v\n", err)
		return exitStatus(err)
	}
	return exitOK
}

// serve answers requests for the data folder on addr until ctx ends, each
// client limited to rate requests a second (api.Config.Rate).
func serve(ctx context.Context, e *env, cfg *setup, addr string, rate float64) error {
	srv := api.New(api.Config{
		Layout:      cfg.layout,
		Rate:        rate,
		Log:         slog.New(slog.NewTextHandler(e.stderr, nil)),
		Submissions: submissions{cfg.pipeline()},
		Tokens:      tokenCouncils{&tokens.Store{Path: cfg.layout.TokensFile()}},
	})
	if err := srv.Open(ctx); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		srv.Close()
		return fmt.Errorf("listen on %s: %w; choose another address with --addr", addr, err)
	}
	base := baseURL(ln.Addr())
	if id := srv.Release(); id != "" {
		fmt.Fprintf(e.stdout, "Serving release %s at %s/ (Ctrl-C stops)\n", id, base)
	} else {
		fmt.Fprintf(e.stdout, "Serving %s at %s/; nothing is published yet: run yardstick publish (Ctrl-C stops)\n", cfg.layout.Root, base)
	}
	fmt.Fprintf(e.stdout, "Try:\n")
	fmt.Fprintf(e.stdout, "  the release in a browser:  %s/\n", base)
	fmt.Fprintf(e.stdout, "  the API:                   curl '%s%s/comparisons?sort=-value&page_size=5'\n", base, api.Prefix)
	fmt.Fprintf(e.stdout, "  DuckDB over HTTP:          duckdb -c \"INSTALL httpfs; LOAD httpfs; SELECT metric, count(*) FROM '%s/data/comparisons.parquet' GROUP BY metric\"\n", base)
	return srv.Serve(ctx, ln, 10*time.Second)
}

// baseURL returns the URL a person on this machine opens for addr.
func baseURL(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return "http://" + addr.String()
	}
	host := tcp.IP.String()
	if tcp.IP.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, fmt.Sprint(tcp.Port))
}

// submissions runs returns posted to the API through the same ingest the
// command line runs.
type submissions struct{ p *ingest.Pipeline }

func (s submissions) Submit(ctx context.Context, council, submitter, name string, body io.Reader) (api.Receipt, error) {
	rep, err := s.p.Ingest(ctx, body, name, ingest.Options{Council: council, Submitter: submitter})
	if errors.Is(err, schemas.ErrWarehouseLayout1) || errors.Is(err, schemas.ErrWarehouseMigrationUnfinished) {
		// The council can do nothing about a warehouse waiting for
		// `yardstick warehouse migrate` but send again later; the operator
		// can, and the server's log keeps the whole error, which says how.
		return api.Receipt{}, &schemas.Error{Code: schemas.EUNAVAILABLE,
			Message: "submissions are paused while this service's data folder is upgraded; send the return again later", Err: err}
	}
	if err != nil {
		return api.Receipt{}, err
	}
	return receiptOf(council, rep), nil
}

func (s submissions) Receipt(ctx context.Context, id string) (api.Receipt, error) {
	man, rep, err := ingest.ReadSubmission(s.p.Layout, id)
	if err != nil {
		return api.Receipt{}, err
	}
	return receiptOf(man.Council, rep), nil
}

// receiptOf is the API's receipt for the report of a submission for
// council. A row for another council makes it OtherCouncil even when the
// report's list of problems was full before that row came and only counts
// it (ingest.MaxProblems): otherwise such a file would be answered 422, not
// 403.
func receiptOf(council string, rep *ingest.Report) api.Receipt {
	r := api.Receipt{ID: rep.Submission, Council: council, Status: rep.Status, DuplicateOf: rep.Duplicate, Report: rep}
	r.OtherCouncil = rep.Omitted[ingest.CodeCouncilMismatch] > 0 ||
		slices.ContainsFunc(rep.Problems, func(p ingest.Problem) bool { return p.Code == ingest.CodeCouncilMismatch })
	return r
}

// tokenCouncils checks bearer tokens against the data folder's tokens.
type tokenCouncils struct{ s *tokens.Store }

func (t tokenCouncils) Council(ctx context.Context, bearer string) (string, string, error) {
	tok, err := t.s.Verify(ctx, bearer)
	if err != nil {
		return "", "", err
	}
	return tok.Council, tok.ID, nil
}
