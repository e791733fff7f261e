// Package api serves a data folder's current release over HTTP: the JSON
// and CSV API under /api/v1, the release's files (the website and the
// downloads) at /, and the submission of returns by councils' tokens.
//
// It reads a release only through the typed reader of publish/duckdb,
// which opens yardstick.duckdb read-only with external access off and its
// configuration locked; no request ever supplies SQL, and every value a
// request gives is checked against its route's parameters and bound.
//
// A release never changes, so every answer from it is cached by release
// and URL and validated by an ETag of the release id. When publish swaps
// the data folder's current link, the server opens the new release and
// serves it from then on; requests already reading the old one finish on
// it, and it is closed after them.
//
// api is the only package that imports github.com/gorilla/mux.
package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/gorilla/mux"

	"github.com/yardstick-open/yardstick/publish/duckdb"
	"github.com/yardstick-open/yardstick/schemas"
)

// Defaults for the zero fields of Config.
const (
	DefaultRequestTimeout = 10 * time.Second
	DefaultRate           = 50  // requests a second, per client
	DefaultBurst          = 200 // requests a client may make at once
	DefaultMaxBody        = 32 << 20
	DefaultCacheBytes     = 128 << 20
	DefaultPoll           = time.Second
	// The server's timeouts (see http.Server). ReadTimeout covers a
	// submitted return's body: a client that sends a few bytes a second
	// cannot hold a connection for ever.
	DefaultReadHeaderTimeout = 5 * time.Second
	DefaultReadTimeout       = 2 * time.Minute
	DefaultWriteTimeout      = 2 * time.Minute
	DefaultIdleTimeout       = 2 * time.Minute
	// MaxQuery is the longest query string accepted, and MaxParam the
	// longest value of one parameter: a filter is an id or a name.
	MaxQuery = 2048
	MaxParam = 200
)

// Config is what a Server serves and how.
type Config struct {
	// Layout is the data folder whose current release is served.
	Layout schemas.Layout
	// DuckDB sets the release reader's threads and memory limit.
	DuckDB duckdb.Options
	// Log receives one line per request and every failure; nil discards.
	Log *slog.Logger
	// RequestTimeout bounds each API request, its queries included.
	RequestTimeout time.Duration
	// Rate and Burst limit the requests of each client (by IP address):
	// Rate a second on average, Burst at once. Rate < 0 turns the limit
	// off.
	Rate  float64
	Burst int
	// MaxBody caps a request body (a submitted return) in bytes.
	MaxBody int64
	// CacheBytes bounds the cache of rendered answers.
	CacheBytes int64
	// Poll is how often the current link is checked for a new release.
	Poll time.Duration
	// Submissions takes returns posted to /api/v1/returns; nil turns
	// submission off (the routes answer 404 with a sentence saying so).
	Submissions Submissions
	// Tokens checks the bearer tokens of submissions.
	Tokens Tokens
	// Now is the clock of the rate limit; nil means time.Now.
	Now func() time.Time
	// ReadHeaderTimeout, ReadTimeout, WriteTimeout and IdleTimeout bound
	// the connections Serve accepts, as http.Server's fields of those
	// names do; zero means the Default… value. A download of a large
	// file is given longer than WriteTimeout.
	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout time.Duration
}

// Server answers HTTP requests for a data folder. Create it with New,
// start it with Open, and serve it with Serve or as an http.Handler.
type Server struct {
	cfg      Config
	log      *slog.Logger
	router   *mux.Router
	routes   []route
	releases *releases
	cache    *cache
	byID     releaseRecords
	limit    *limiter
	handler  http.Handler
	openapi  atomic.Pointer[response]
}

// New returns a Server for cfg; Open loads the current release.
func New(cfg Config) *Server {
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.Rate == 0 {
		cfg.Rate = DefaultRate
	}
	if cfg.Burst <= 0 {
		cfg.Burst = DefaultBurst
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.CacheBytes <= 0 {
		cfg.CacheBytes = DefaultCacheBytes
	}
	if cfg.Poll <= 0 {
		cfg.Poll = DefaultPoll
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	for _, d := range []struct {
		field *time.Duration
		def   time.Duration
	}{
		{&cfg.ReadHeaderTimeout, DefaultReadHeaderTimeout}, {&cfg.ReadTimeout, DefaultReadTimeout},
		{&cfg.WriteTimeout, DefaultWriteTimeout}, {&cfg.IdleTimeout, DefaultIdleTimeout},
	} {
		if *d.field <= 0 {
			*d.field = d.def
		}
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		cfg:    cfg,
		log:    log,
		router: mux.NewRouter(),
		cache:  newCache(cfg.CacheBytes),
	}
	// Answers of a release no longer served are never asked for again
	// (their keys start with its id): drop them at the swap rather than
	// wait for them to age out of a full cache.
	s.releases = &releases{layout: cfg.Layout, opts: cfg.DuckDB, log: log, replaced: s.cache.dropRelease}
	if cfg.Rate > 0 {
		s.limit = newLimiter(cfg.Rate, cfg.Burst, cfg.Now)
	}
	s.router.StrictSlash(false)
	s.registerMetricRoutes()
	s.registerPeriodRoutes()
	s.registerCouncilRoutes()
	s.registerProviderRoutes()
	s.registerComparisonRoutes()
	s.registerReleaseRoutes()
	s.registerReturnRoutes()
	s.registerDocRoutes()
	s.registerMethodNotAllowed()
	s.registerStaticRoutes()
	s.handler = s.middleware(s.router)
	return s
}

// Open loads the data folder's current release. A folder with nothing
// published yet is not an error: the API answers 503 until a release
// appears.
func (s *Server) Open(ctx context.Context) error {
	return s.releases.reload(ctx)
}

// Reload serves the data folder's current release if it changed, as the
// watcher started by Serve does every Config.Poll.
func (s *Server) Reload(ctx context.Context) error { return s.releases.reload(ctx) }

// Release returns the id of the release being served, "" before one.
func (s *Server) Release() string {
	if r := s.releases.cur.Load(); r != nil {
		return r.rec.ID
	}
	return ""
}

// Close closes the release being served.
func (s *Server) Close() error { return s.releases.close() }

// ServeHTTP answers one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Serve answers requests on ln until ctx ends, following the current
// release meanwhile, then shuts down gracefully: it stops accepting, lets
// the requests in flight finish (for up to drain), and closes the release.
func (s *Server) Serve(ctx context.Context, ln net.Listener, drain time.Duration) error {
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	watchCtx, stopWatch := context.WithCancel(ctx)
	watching := make(chan struct{})
	go func() {
		defer close(watching)
		s.releases.watch(watchCtx, s.cfg.Poll)
	}()
	// The watcher stops before the release is closed, so that it cannot
	// open another one after.
	closeAll := func() error {
		stopWatch()
		<-watching
		return s.Close()
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		hs.Close()
		return errors.Join(fmt.Errorf("serve: %w", err), closeAll())
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()
	var err error
	if serr := hs.Shutdown(sctx); serr != nil {
		// Requests still running after drain: closing their connections
		// cancels their contexts, and with them their queries. That is
		// how a stop asked for ends, not a failure of the server.
		s.log.Warn("shut down: requests still running after the drain time were cut off", "drain", drain, "err", serr)
		err = hs.Close()
	}
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return errors.Join(err, closeAll())
}

type ctxKey int

const requestIDKey ctxKey = 0

// requestID returns the id the middleware gave the request.
func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

func newRequestID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
