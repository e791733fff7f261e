package api

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/schemas"
	"github.com/yardstick-open/yardstick/tokens"
)

// storeTokens checks bearer tokens against a real tokens.Store, as the
// command line wires it.
type storeTokens struct{ s *tokens.Store }

func (st storeTokens) Council(ctx context.Context, bearer string) (string, string, error) {
	tok, err := st.s.Verify(ctx, bearer)
	if err != nil {
		return "", "", err
	}
	return tok.Council, tok.ID, nil
}

// submitted is one call of recorder.Submit.
type submitted struct {
	council, submitter, name, body string
}

// recorder is a Submissions that records what it is given. Ingest may not
// be imported here (publish and ingest meet only through the warehouse);
// the real pipeline behind the API is tested end to end in cmd/yardstick.
// A body starting "reject" is rejected, "other" holds another council's
// rows, "fail" fails; anything else is accepted.
type recorder struct {
	mu       sync.Mutex
	got      []submitted
	receipts map[string]Receipt
	n        int
	// block, when set, holds Submit until it is closed; entered is sent
	// on as Submit starts.
	block, entered chan struct{}
}

func (r *recorder) Submit(ctx context.Context, council, submitter, name string, body io.Reader) (Receipt, error) {
	if r.entered != nil {
		r.entered <- struct{}{}
	}
	if r.block != nil {
		<-r.block
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return Receipt{}, fmt.Errorf("read return: %w", err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, submitted{council, submitter, name, string(b)})
	r.n++
	rec := Receipt{ID: fmt.Sprintf("20260101T000000Z-%04x", r.n), Council: council, Status: string(schemas.SubmissionAccepted),
		Report: map[string]any{"rows": 1}}
	switch {
	case strings.HasPrefix(string(b), "reject"):
		rec.Status = "rejected"
	case strings.HasPrefix(string(b), "other"):
		rec.Status, rec.OtherCouncil = "rejected", true
	case strings.HasPrefix(string(b), "fail"):
		return Receipt{}, fmt.Errorf("disk full at /secret/path")
	}
	if r.receipts == nil {
		r.receipts = map[string]Receipt{}
	}
	r.receipts[rec.ID] = rec
	return rec, nil
}

func (r *recorder) Receipt(ctx context.Context, id string) (Receipt, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rec, ok := r.receipts[id]
	if !ok {
		return Receipt{}, schemas.Errorf(schemas.ENOTFOUND, "no submission %s", id)
	}
	return rec, nil
}

func (r *recorder) calls() []submitted {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]submitted(nil), r.got...)
}

// tokenSet is a tokens file with a live token for Trafford and for Bury
// and a revoked one for Trafford.
type tokenSet struct {
	store                     *tokens.Store
	trafford, bury, revoked   string
	traffordID, buryID, revID string
}

func newTokens(t *testing.T) tokenSet {
	t.Helper()
	ctx := context.Background()
	ts := tokenSet{store: &tokens.Store{Path: filepath.Join(t.TempDir(), "tokens.json")}}
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	mk := func(council string) (string, string) {
		secret, tok, err := ts.store.Create(ctx, council, "test", now)
		if err != nil {
			t.Fatal(err)
		}
		return secret, tok.ID
	}
	ts.trafford, ts.traffordID = mk(trafford)
	ts.bury, ts.buryID = mk(bury)
	ts.revoked, ts.revID = mk(trafford)
	if err := ts.store.Revoke(ctx, ts.revID, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	return ts
}

// TestReturnsAuthorisation is the authorisation matrix of POST /returns
// and GET /returns/{id}, with real tokens.
func TestReturnsAuthorisation(t *testing.T) {
	t.Parallel()
	ts := newTokens(t)
	subs := &recorder{}
	// No release is needed to take returns.
	_, hs := startServer(t, schemas.Layout{Root: t.TempDir()}, Config{Submissions: subs, Tokens: storeTokens{ts.store}})
	post := func(t *testing.T, body string, headers ...string) answer {
		t.Helper()
		return do(t, http.MethodPost, hs.URL+Prefix+"/returns", strings.NewReader(body), headers...)
	}
	// The secret's first character changed: well formed, but wrong.
	i := len("ys_") + 12 + 1
	wrong := ts.trafford[:i] + map[bool]string{true: "B", false: "A"}[ts.trafford[i] == 'A'] + ts.trafford[i+1:]

	// detail is what the problem's detail says, to show which check
	// refused the token.
	unauthorised := []struct{ name, header, detail string }{
		{"no Authorization", "", "Authorization: Bearer"},
		{"basic scheme", "Basic dXNlcjpwYXNz", "Authorization: Bearer"},
		{"bearer without token", "Bearer ", "Authorization: Bearer"},
		{"malformed token", "Bearer not-a-token", "malformed token"},
		{"wrong secret", "Bearer " + wrong, "invalid token"},
		{"unknown id", "Bearer ys_000000000000_" + strings.Repeat("A", 43), "invalid token"},
		{"revoked token", "Bearer " + ts.revoked, "revoked"},
		{"token without scheme", ts.trafford, "Authorization: Bearer"},
	}
	for _, tc := range unauthorised {
		t.Run("submit/"+tc.name, func(t *testing.T) {
			var a answer
			if tc.header == "" {
				a = post(t, "council,provider_id\n")
			} else {
				a = post(t, "council,provider_id\n", "Authorization", tc.header)
			}
			p := checkProblem(t, a, http.StatusUnauthorized)
			if !strings.Contains(p.Detail, tc.detail) {
				t.Errorf("detail %q, want it to say %q", p.Detail, tc.detail)
			}
			if got := a.header.Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer") {
				t.Errorf("WWW-Authenticate %q, want Bearer …", got)
			}
		})
	}
	if n := len(subs.calls()); n != 0 {
		t.Fatalf("%d submissions reached ingest without a valid token", n)
	}

	accepted := []struct {
		name, token, body, disposition string
		status                         int
		council, submitter, file       string
	}{
		{"trafford", ts.trafford, "accept me", "", http.StatusAccepted, trafford, "token:" + ts.traffordID, "return.csv"},
		{"bury", ts.bury, "accept me too", `attachment; filename="bury-q1.csv"`, http.StatusAccepted, bury, "token:" + ts.buryID, "bury-q1.csv"},
		{"file name with a path", ts.bury, "accept", `attachment; filename="..\..\evil.csv"`, http.StatusAccepted, bury, "token:" + ts.buryID, "evil.csv"},
		{"file name that is a folder", ts.bury, "accept", `attachment; filename=".."`, http.StatusAccepted, bury, "token:" + ts.buryID, "return.csv"},
		{"scheme in lower case", ts.trafford, "accept", "", http.StatusAccepted, trafford, "token:" + ts.traffordID, "return.csv"},
		{"rejected", ts.trafford, "reject: bad rows", "", http.StatusUnprocessableEntity, trafford, "token:" + ts.traffordID, "return.csv"},
		{"another council's rows", ts.trafford, "other council", "", http.StatusForbidden, trafford, "token:" + ts.traffordID, "return.csv"},
	}
	receipts := map[string]Receipt{}
	for _, tc := range accepted {
		t.Run("submit/"+tc.name, func(t *testing.T) {
			before := len(subs.calls())
			scheme := "Bearer "
			if tc.name == "scheme in lower case" {
				scheme = "bearer "
			}
			headers := []string{"Authorization", scheme + tc.token, "Content-Type", "text/csv"}
			if tc.disposition != "" {
				headers = append(headers, "Content-Disposition", tc.disposition)
			}
			a := post(t, tc.body, headers...)
			if a.status != tc.status {
				t.Fatalf("status %d, want %d; body %s", a.status, tc.status, clipBody(a.body))
			}
			calls := subs.calls()
			if len(calls) != before+1 {
				t.Fatalf("%d calls of Submit, want 1", len(calls)-before)
			}
			got := calls[len(calls)-1]
			want := submitted{tc.council, tc.submitter, tc.file, tc.body}
			if got != want {
				t.Errorf("Submit got %+v, want %+v", got, want)
			}
			var rec Receipt
			a.decode(t, &rec)
			if rec.Council != tc.council || rec.ID == "" || rec.Location != Prefix+"/returns/"+rec.ID ||
				a.header.Get("Location") != rec.Location {
				t.Errorf("receipt %+v, Location %q", rec, a.header.Get("Location"))
			}
			if a.header.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control %q, want no-store", a.header.Get("Cache-Control"))
			}
			receipts[tc.name] = rec
		})
	}
	t.Run("submit/query parameters", func(t *testing.T) {
		a := do(t, http.MethodPost, hs.URL+Prefix+"/returns?council="+bury, strings.NewReader("x"), "Authorization", "Bearer "+ts.trafford)
		checkProblem(t, a, http.StatusBadRequest)
	})
	t.Run("submit/ingest fails", func(t *testing.T) {
		p := checkProblem(t, post(t, "fail", "Authorization", "Bearer "+ts.trafford), http.StatusInternalServerError)
		if strings.Contains(p.Detail, "/secret/path") {
			t.Errorf("internal error shown: %q", p.Detail)
		}
	})

	traffordID := receipts["trafford"].ID
	buryID := receipts["bury"].ID
	reads := []struct {
		name, id, header string
		status           int
	}{
		{"own submission", traffordID, "Bearer " + ts.trafford, http.StatusOK},
		{"bury's own", buryID, "Bearer " + ts.bury, http.StatusOK},
		{"another council's submission", buryID, "Bearer " + ts.trafford, http.StatusNotFound},
		{"another council's, the other way", traffordID, "Bearer " + ts.bury, http.StatusNotFound},
		{"unknown id", "20990101T000000Z-ffff", "Bearer " + ts.trafford, http.StatusNotFound},
		{"not an id", "tokens.json", "Bearer " + ts.trafford, http.StatusNotFound},
		{"no token", traffordID, "", http.StatusUnauthorized},
		{"revoked token", traffordID, "Bearer " + ts.revoked, http.StatusUnauthorized},
		{"wrong token", traffordID, "Bearer " + wrong, http.StatusUnauthorized},
	}
	for _, tc := range reads {
		t.Run("receipt/"+tc.name, func(t *testing.T) {
			var headers []string
			if tc.header != "" {
				headers = []string{"Authorization", tc.header}
			}
			a := get(t, hs.URL+Prefix+"/returns/"+tc.id, headers...)
			if tc.status != http.StatusOK {
				p := checkProblem(t, a, tc.status)
				if strings.Contains(p.Detail, bury) && tc.header == "Bearer "+ts.trafford {
					t.Errorf("the answer to Trafford's token names Bury: %q", p.Detail)
				}
				return
			}
			if a.status != http.StatusOK {
				t.Fatalf("status %d, want 200; body %s", a.status, clipBody(a.body))
			}
			var rec Receipt
			a.decode(t, &rec)
			if rec.ID != tc.id || rec.Location != Prefix+"/returns/"+tc.id {
				t.Errorf("receipt %+v, want id %s", rec, tc.id)
			}
		})
	}
	t.Run("receipt/GET on POST path", func(t *testing.T) {
		a := get(t, hs.URL+Prefix+"/returns")
		checkProblem(t, a, http.StatusMethodNotAllowed)
		if got := a.header.Get("Allow"); got != "POST" {
			t.Errorf("Allow %q, want POST", got)
		}
	})
}

// TestReturnsOff checks that a server without Submissions answers the
// submission routes 404, in the one problem shape.
func TestReturnsOff(t *testing.T) {
	t.Parallel()
	ts := newTokens(t)
	for _, cfg := range []Config{{}, {Tokens: storeTokens{ts.store}}, {Submissions: &recorder{}}} {
		_, hs := startServer(t, schemas.Layout{Root: t.TempDir()}, cfg)
		a := do(t, http.MethodPost, hs.URL+Prefix+"/returns", strings.NewReader("x"), "Authorization", "Bearer "+ts.trafford)
		checkProblem(t, a, http.StatusNotFound)
		checkProblem(t, get(t, hs.URL+Prefix+"/returns/20260101T000000Z-0001", "Authorization", "Bearer "+ts.trafford), http.StatusNotFound)
	}
}
