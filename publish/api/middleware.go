package api

import (
	"context"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/yardstick-open/yardstick/schemas"
)

// securityHeaders go on every answer. The policy allows only the
// release's own scripts, styles and images: a page never loads anything
// from another host.
var securityHeaders = map[string]string{
	"Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
		"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
	"X-Content-Type-Options":       "nosniff",
	"Referrer-Policy":              "strict-origin-when-cross-origin",
	"X-Frame-Options":              "DENY",
	"Cross-Origin-Resource-Policy": "cross-origin",
}

// statusWriter records what a handler answered, for the access log.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// ReadFrom passes a file's bytes to the connection's own ReadFrom, which
// sends them with sendfile where the system has it, as
// http.ServeContent does without this wrapper.
func (w *statusWriter) ReadFrom(r io.Reader) (int64, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := io.Copy(w.ResponseWriter, r)
	w.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the connection, to extend
// the write deadline of a large download.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// middleware wraps every route: a request id, the access log, security
// headers, CORS for reading, the rate limit, the limits on the query
// string and the body, and recovery from a panic as a 500 problem.
func (s *Server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := newRequestID()
		r = r.WithContext(context.WithValue(r.Context(), requestIDKey, id))
		sw := &statusWriter{ResponseWriter: w}
		h := sw.Header()
		h.Set("X-Request-Id", id)
		for k, v := range securityHeaders {
			h.Set(k, v)
		}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "request_id", id, "path", r.URL.Path, "panic", fmt.Sprint(v))
				if sw.status == 0 {
					writeProblem(sw, r, problemOf(r.Context(), s.log, r, fmt.Errorf("panic: %v", v)))
				}
			}
			s.log.Info("request", "request_id", id, "method", r.Method, "path", r.URL.Path,
				"status", sw.status, "bytes", sw.bytes, "ms", float64(time.Since(start).Microseconds())/1000,
				"client", clientOf(r))
		}()
		if r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodOptions {
			h.Set("Access-Control-Allow-Origin", "*")
			h.Set("Access-Control-Expose-Headers", "ETag, Link, Content-Length, Content-Range, X-Request-Id")
		}
		if r.Method == http.MethodOptions {
			// A CORS preflight: reading is open to every origin; writing
			// (POST /returns) is for clients that hold a token, not pages
			// on other sites.
			h.Set("Access-Control-Allow-Methods", "GET, HEAD")
			h.Set("Access-Control-Allow-Headers", "If-None-Match, Range, Accept, Accept-Encoding")
			h.Set("Access-Control-Max-Age", "86400")
			h.Set("Allow", "GET, HEAD, OPTIONS")
			sw.WriteHeader(http.StatusNoContent)
			return
		}
		if s.limit != nil {
			if ok, wait := s.limit.allow(clientOf(r)); !ok {
				h.Set("Retry-After", fmt.Sprint(int(math.Ceil(wait.Seconds()))))
				writeProblem(sw, r, problemOf(r.Context(), s.log, r, schemas.Errorf(schemas.ETOOMANY,
					"too many requests from %s: at most %g a second; retry after the time in Retry-After", clientOf(r), s.cfg.Rate)))
				return
			}
		}
		if len(r.URL.RawQuery) > MaxQuery {
			writeProblem(sw, r, problemOf(r.Context(), s.log, r, schemas.Errorf(schemas.EINVALID,
				"the query string is %d bytes; the most allowed is %d", len(r.URL.RawQuery), MaxQuery)))
			return
		}
		if r.ContentLength > s.cfg.MaxBody {
			writeProblem(sw, r, problemOf(r.Context(), s.log, r, tooLarge(s.cfg.MaxBody)))
			return
		}
		r.Body = http.MaxBytesReader(sw, r.Body, s.cfg.MaxBody)
		next.ServeHTTP(sw, r)
	})
}

func tooLarge(limit int64) error {
	return schemas.Errorf(schemas.ETOOLARGE, "the request body is larger than %s, the most the server takes", humanSize(limit))
}

// clientOf returns the address the rate limit counts a request against:
// the connection's IP address. Headers such as X-Forwarded-For are not
// trusted, since any client can send them.
func clientOf(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// limiter is a token bucket per client: each client's bucket refills at
// rate tokens a second up to burst, and a request takes one.
type limiter struct {
	rate  float64
	burst float64
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter(rate float64, burst int, now func() time.Time) *limiter {
	return &limiter{rate: rate, burst: float64(burst), now: now, buckets: map[string]*bucket{}}
}

// allow takes a token for client, or says how long until one is free.
func (l *limiter) allow(client string) (bool, time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	// Buckets that have refilled are the same as no bucket: drop them
	// now and then, so the map holds only recent clients.
	if full := time.Duration(l.burst / l.rate * float64(time.Second)); now.Sub(l.swept) > full {
		for k, b := range l.buckets {
			if now.Sub(b.last) > full {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b, ok := l.buckets[client]
	if !ok {
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[client] = b
	}
	b.tokens = math.Min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
}

// methodNotAllowed answers a known path asked with the wrong method.
func methodNotAllowed(allow ...string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		p := Problem{Type: "about:blank", Title: http.StatusText(http.StatusMethodNotAllowed), Status: http.StatusMethodNotAllowed,
			Detail:   fmt.Sprintf("%s is not allowed here; use %s", r.Method, strings.Join(allow, " or ")),
			Instance: instance(r), Code: schemas.EINVALID, RequestID: requestID(r.Context())}
		writeProblem(w, r, p)
	})
}
