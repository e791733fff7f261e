package api

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"path"
	"regexp"
	"strings"

	"github.com/yardstick-open/yardstick/schemas"
	"github.com/yardstick-open/yardstick/tokens"
)

// Tokens checks the bearer tokens of submissions.
type Tokens interface {
	// Council returns the council a token speaks for and the token's
	// public id; an error coded unauthorized when the token is unknown,
	// wrong or revoked.
	Council(ctx context.Context, bearer string) (council, tokenID string, err error)
}

// Submissions takes returns, running exactly the ingest the command line
// runs. The server passes only what the token allows: the council.
type Submissions interface {
	// Submit checks the return in body, sent for council under the file
	// name name by submitter, and stores it as received.
	Submit(ctx context.Context, council, submitter, name string, body io.Reader) (Receipt, error)
	// Receipt returns what became of submission id; an error coded
	// not_found when there is none.
	Receipt(ctx context.Context, id string) (Receipt, error)
}

// Receipt is what the server answers about a submission.
type Receipt struct {
	ID      string `json:"submission_id"`
	Council string `json:"council_code"`
	// Status is accepted or rejected.
	Status string `json:"status"`
	// DuplicateOf names the earlier submission of the same bytes, which
	// this one is.
	DuplicateOf string `json:"duplicate_of,omitempty"`
	// OtherCouncil is set when the return holds rows for a council other
	// than the token's: the server answers 403.
	OtherCouncil bool `json:"-"`
	// Report is ingest's report, every problem with its line and column.
	Report any `json:"report"`
	// Location is where the submission's status can be read.
	Location string `json:"location"`
}

// submissionID is the shape of a submission id; anything else is not one.
var submissionID = regexp.MustCompile(`^[0-9]{8}T[0-9]{6}(\.[0-9]{1,9})?Z-[0-9a-f]{4,16}$`)

func (s *Server) registerReturnRoutes() {
	auth := []param{}
	s.add(route{Name: "submitReturn", Method: http.MethodPost, Path: "/returns", Tag: "returns",
		Summary: "Submit a return for the token's council",
		Description: "The body is the return (CSV), as yardstick ingest takes it. 202: accepted, with the submission id and " +
			"its report; 422: rejected, with the report listing every problem; 401: no valid token; 403: the file " +
			"holds another council's rows; 413: too large; 503: submissions are paused while the operator upgrades the data folder " +
			"(send the return again later).",
		Params: auth, Body: "Receipt", raw: s.handleSubmit})
	s.add(route{Name: "getReturn", Method: http.MethodGet, Path: "/returns/{id}", Tag: "returns",
		Summary: "A submission's status and report, for the token's council",
		Params:  []param{{Name: "id", In: "path", Type: "string", Description: "The submission id POST /returns answered."}},
		Body:    "Receipt", raw: s.handleReceipt})
}

// council returns the council r's bearer token speaks for.
func (s *Server) council(r *http.Request) (string, string, error) {
	if s.cfg.Submissions == nil || s.cfg.Tokens == nil {
		return "", "", schemas.Errorf(schemas.ENOTFOUND, "this server does not take returns; start it with submissions on")
	}
	token, ok := tokens.FromAuthorization(r.Header.Get("Authorization"))
	if !ok {
		return "", "", schemas.Errorf(schemas.EUNAUTHORIZED, "send the council's token as Authorization: Bearer <token>; yardstick tokens create makes one")
	}
	return s.cfg.Tokens.Council(r.Context(), token)
}

func (s *Server) handleSubmit(w http.ResponseWriter, r *http.Request) {
	if len(r.URL.RawQuery) > 0 {
		writeProblem(w, r, problemOf(r.Context(), s.log, r, schemas.Errorf(schemas.EINVALID, "POST %s/returns takes no parameters", Prefix)))
		return
	}
	council, tokenID, err := s.council(r)
	if err != nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="yardstick"`)
		writeProblem(w, r, problemOf(r.Context(), s.log, r, err))
		return
	}
	// The file name is the sender's, kept for the report; only its last
	// element, and never a name that is a folder.
	name := "return.csv"
	if _, params, err := mime.ParseMediaType(r.Header.Get("Content-Disposition")); err == nil {
		if base := path.Base(strings.ReplaceAll(params["filename"], `\`, "/")); base != "." && base != ".." && base != "/" {
			name = base
		}
	}
	rec, err := s.cfg.Submissions.Submit(r.Context(), council, "token:"+tokenID, name, r.Body)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		err = tooLarge(s.cfg.MaxBody)
	}
	if err != nil {
		writeProblem(w, r, problemOf(r.Context(), s.log, r, err))
		return
	}
	rec.Location = Prefix + "/returns/" + rec.ID
	status := http.StatusAccepted
	switch {
	case rec.OtherCouncil:
		status = http.StatusForbidden
	case rec.Status != string(schemas.SubmissionAccepted):
		status = http.StatusUnprocessableEntity
	}
	w.Header().Set("Location", rec.Location)
	w.Header().Set("Cache-Control", "no-store")
	resp, err := jsonResponse(status, rec)
	if err != nil {
		writeProblem(w, r, problemOf(r.Context(), s.log, r, err))
		return
	}
	resp.write(w, r)
}

func (s *Server) handleReceipt(w http.ResponseWriter, r *http.Request) {
	council, _, err := s.council(r)
	if err != nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="yardstick"`)
		writeProblem(w, r, problemOf(r.Context(), s.log, r, err))
		return
	}
	id := strings.TrimPrefix(r.URL.Path, Prefix+"/returns/")
	// Another council's submission is answered as missing: a token
	// learns nothing of what other councils sent.
	notFound := schemas.Errorf(schemas.ENOTFOUND, "no submission %q for %s", clip(id), council)
	if !submissionID.MatchString(id) || len(r.URL.RawQuery) > 0 {
		writeProblem(w, r, problemOf(r.Context(), s.log, r, notFound))
		return
	}
	rec, err := s.cfg.Submissions.Receipt(r.Context(), id)
	if schemas.ErrorCode(err) == schemas.ENOTFOUND || err == nil && rec.Council != council {
		writeProblem(w, r, problemOf(r.Context(), s.log, r, notFound))
		return
	}
	if err != nil {
		writeProblem(w, r, problemOf(r.Context(), s.log, r, err))
		return
	}
	rec.Location = Prefix + "/returns/" + rec.ID
	w.Header().Set("Cache-Control", "no-store")
	resp, err := jsonResponse(http.StatusOK, rec)
	if err != nil {
		writeProblem(w, r, problemOf(r.Context(), s.log, r, err))
		return
	}
	resp.write(w, r)
}
