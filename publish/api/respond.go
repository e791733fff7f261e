package api

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"github.com/yardstick-open/yardstick/schemas"
)

// response is a rendered answer: kept in the cache and written to as many
// clients as ask for the same URL of the same release.
type response struct {
	status      int
	contentType string
	body        []byte
	// gz is body compressed, or nil when compressing does not pay (a
	// short body).
	gz   []byte
	link string // the RFC 8288 Link header, for a page of a list
	// disposition names the file a CSV answer is saved as.
	disposition string
}

// size is what the response costs the cache.
func (resp *response) size() int64 {
	return int64(len(resp.body) + len(resp.gz) + len(resp.link) + 256)
}

// minGzip is the smallest body worth compressing: below about a packet,
// gzip's header and the CPU cost more than they save.
const minGzip = 1024

// newResponse returns a response of body, compressed where it pays.
func newResponse(status int, contentType string, body []byte) *response {
	r := &response{status: status, contentType: contentType, body: body}
	if len(body) >= minGzip {
		var buf bytes.Buffer
		zw := gzipWriters.Get().(*gzip.Writer)
		zw.Reset(&buf)
		zw.Write(body)
		zw.Close()
		zw.Reset(io.Discard) // let the writer go
		gzipWriters.Put(zw)
		if buf.Len() < len(body) {
			r.gz = buf.Bytes()
		}
	}
	return r
}

// acceptsGzip reports whether the request accepts a gzip body. A q=0
// refusal is honoured; anything else naming gzip accepts it.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") {
			q := strings.ReplaceAll(params, " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

// write sends the response; the caller has set the caching headers.
func (resp *response) write(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", resp.contentType)
	if resp.link != "" {
		h.Set("Link", resp.link)
	}
	if resp.disposition != "" {
		h.Set("Content-Disposition", resp.disposition)
	}
	h.Add("Vary", "Accept-Encoding")
	body := resp.body
	if resp.gz != nil && acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		body = resp.gz
	}
	h.Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(resp.status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// jsonResponse renders v as JSON.
func jsonResponse(status int, v any) (*response, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode response: %w", err)
	}
	return newResponse(status, "application/json", buf.Bytes()), nil
}

// statuses is the one table from application error codes to HTTP
// statuses; an error without a code is internal.
var statuses = map[string]int{
	schemas.ENOTFOUND:     http.StatusNotFound,
	schemas.EINVALID:      http.StatusBadRequest,
	schemas.ECONFLICT:     http.StatusConflict,
	schemas.EUNAUTHORIZED: http.StatusUnauthorized,
	schemas.EFORBIDDEN:    http.StatusForbidden,
	schemas.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	schemas.ETOOMANY:      http.StatusTooManyRequests,
	schemas.EUNAVAILABLE:  http.StatusServiceUnavailable,
	schemas.EINTERNAL:     http.StatusInternalServerError,
}

// Problem is the body of every error answer, on every route: RFC 9457
// problem details, with the application error code and the request id
// to quote when asking for help.
type Problem struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail"`
	Instance  string `json:"instance"`
	Code      string `json:"code"`
	RequestID string `json:"request_id,omitempty"`
	// Report is a rejected return's report, on POST /returns.
	Report any `json:"report,omitempty"`
}

// problemOf turns err into the problem a client sees. Internal errors are
// logged with the request id and shown as a plain sentence: their text
// may name files and queries that are nobody's business.
func problemOf(ctx context.Context, log *slog.Logger, r *http.Request, err error) Problem {
	code := schemas.ErrorCode(err)
	detail := schemas.ErrorMessage(err)
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		code, detail = schemas.EUNAVAILABLE, "the request took longer than the server allows; narrow it with filters or a smaller page_size"
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
		// The client went away mid-query: nobody reads the answer, and it
		// is no failure of the server.
		return Problem{Type: "about:blank", Title: "Client Closed Request", Status: 499, Detail: "the client closed the request",
			Instance: r.URL.Path, Code: schemas.EUNAVAILABLE, RequestID: requestID(ctx)}
	case code == schemas.EINTERNAL || statuses[code] == 0:
		code, detail = schemas.EINTERNAL, "the server could not answer; the request id identifies the failure in its log"
	}
	id := requestID(ctx)
	if code == schemas.EINTERNAL || code == schemas.EUNAVAILABLE {
		log.Error("request failed", "request_id", id, "method", r.Method, "path", r.URL.Path, "err", err)
	}
	status := statuses[code]
	return Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail,
		Instance: instance(r), Code: code, RequestID: id}
}

// instance is the request's path and query, as a problem names it; a
// query longer than the server takes is left out rather than echoed.
func instance(r *http.Request) string {
	if len(r.URL.RawQuery) > MaxQuery {
		return r.URL.EscapedPath()
	}
	return r.URL.RequestURI()
}

// writeProblem sends p as application/problem+json.
func writeProblem(w http.ResponseWriter, r *http.Request, p Problem) {
	b, err := json.Marshal(p)
	if err != nil {
		http.Error(w, p.Detail, p.Status)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", fmt.Sprint(len(b)+1))
	if p.Status == http.StatusTooManyRequests || p.Status == http.StatusServiceUnavailable {
		if h.Get("Retry-After") == "" {
			h.Set("Retry-After", "1")
		}
	}
	w.WriteHeader(p.Status)
	if r.Method != http.MethodHead {
		w.Write(append(b, '\n'))
	}
}

// csvOf writes rows as CSV with the columns of table, in its order. Each
// row is JSON-encoded first, and its cells read back from that by column
// name: the CSV holds exactly what the JSON body holds, under the names
// the registry gives. A row may leave out a column its JSON omits when
// empty (a metric without a numerator), which is a blank cell; a column
// that no row has fails loudly, since the rows and the registry then
// disagree.
func csvOf(table schemas.Table, rows any) ([]byte, error) {
	b, err := json.Marshal(rows)
	if err != nil {
		return nil, fmt.Errorf("encode rows: %w", err)
	}
	var items []map[string]json.RawMessage
	if err := json.Unmarshal(b, &items); err != nil {
		return nil, fmt.Errorf("decode rows: %w", err)
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(table.ColumnNames()); err != nil {
		return nil, err
	}
	for _, c := range table.Columns {
		if len(items) > 0 && !slices.ContainsFunc(items, func(it map[string]json.RawMessage) bool { _, ok := it[c.Name]; return ok }) {
			return nil, fmt.Errorf("rows of %s have no column %s", table.Name, c.Name)
		}
	}
	record := make([]string, len(table.Columns))
	for _, it := range items {
		for i, c := range table.Columns {
			raw, ok := it[c.Name]
			if !ok {
				raw = json.RawMessage("null")
			}
			cell, err := csvCell(c, raw, table.Markers)
			if err != nil {
				return nil, fmt.Errorf("%s.%s: %w", table.Name, c.Name, err)
			}
			record[i] = cell
		}
		if err := w.Write(record); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

// csvCell formats one JSON value as the release's CSV files write a cell
// of column c: blank for null, lists joined by the list delimiter, text
// made safe for spreadsheets, and, in a table with markers, a status
// letter bracketed ([c]), as table.csv and data/observations.csv.gz have
// it.
func csvCell(c schemas.Column, raw json.RawMessage, markers bool) (string, error) {
	if string(raw) == "null" {
		return "", nil
	}
	switch c.Type {
	case schemas.TypeList:
		var items []string
		if err := json.Unmarshal(raw, &items); err != nil {
			return "", err
		}
		for i, s := range items {
			items[i] = schemas.SpreadsheetSafe(s)
		}
		return strings.Join(items, schemas.ListDelimiter), nil
	case schemas.TypeString, schemas.TypeDate, schemas.TypeDatetime:
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", err
		}
		if markers && c.Name == "status" {
			return schemas.Status(s).Bracketed(), nil
		}
		if c.Type == schemas.TypeString {
			return schemas.SpreadsheetSafe(s), nil
		}
		return s, nil
	}
	// Numbers and booleans as JSON wrote them.
	return string(raw), nil
}
