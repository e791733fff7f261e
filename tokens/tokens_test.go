package tokens

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yardstick-open/yardstick/schemas"
)

var t0 = time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)

// newStore returns a store over tokens.json in a new temporary folder.
func newStore(t testing.TB) *Store {
	t.Helper()
	return &Store{Path: filepath.Join(t.TempDir(), "tokens.json")}
}

// mustCreate makes a token or stops the test.
func mustCreate(t testing.TB, s *Store, council string, now time.Time) (string, Token) {
	t.Helper()
	secret, tok, err := s.Create(context.Background(), council, "", now)
	if err != nil {
		t.Fatalf("Create(%q): %v", council, err)
	}
	return secret, tok
}

// split returns a token's id and secret parts.
func split(t *testing.T, token string) (id, secret string) {
	t.Helper()
	id, secret, ok := strings.Cut(strings.TrimPrefix(token, prefix), "_")
	if !strings.HasPrefix(token, prefix) || !ok {
		t.Fatalf("token %q does not read ys_<id>_<secret>", token)
	}
	return id, secret
}

func TestCreateVerify(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	secret, tok, err := s.Create(ctx, "  E08000009 ", " Trafford's performance team ", t0)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	want := Token{ID: tok.ID, Council: "E08000009", Note: "Trafford's performance team", Created: t0}
	if tok.Council != want.Council || tok.Note != want.Note || !tok.Created.Equal(t0) || !tok.Live() {
		t.Errorf("Create returned %+v, want %+v", tok, want)
	}
	id, sec := split(t, secret)
	if id != tok.ID || !validID(id) {
		t.Errorf("token id %q, Create's id %q: want the same 12 hex digits", id, tok.ID)
	}
	if raw, err := base64.RawURLEncoding.DecodeString(sec); err != nil || len(raw) != secretBytes {
		t.Errorf("secret %q decodes to %d bytes (%v), want %d", sec, len(raw), err, secretBytes)
	}
	got, err := s.Verify(ctx, secret)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if got.ID != tok.ID || got.Council != "E08000009" {
		t.Errorf("Verify = %+v, want token %s for E08000009", got, tok.ID)
	}
	// A second Store over the same file, as another process has, agrees.
	if got, err := (&Store{Path: s.Path}).Verify(ctx, secret); err != nil || got.Council != "E08000009" {
		t.Errorf("Verify through another Store = %+v, %v", got, err)
	}
}

func TestCreateRejectsBlankCouncil(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	for _, council := range []string{"", "   "} {
		if _, _, err := s.Create(context.Background(), council, "", t0); schemas.ErrorCode(err) != schemas.EINVALID {
			t.Errorf("Create(%q) error %v (code %q), want %s", council, err, schemas.ErrorCode(err), schemas.EINVALID)
		}
	}
	if _, err := os.Stat(s.Path); err == nil {
		t.Error("a refused Create wrote the tokens file")
	}
}

func TestVerifyRefuses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	token, _ := mustCreate(t, s, "E08000009", t0)
	revoked, rt := mustCreate(t, s, "E08000009", t0)
	if err := s.Revoke(ctx, rt.ID, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	id, secret := split(t, token)
	other := base64.RawURLEncoding.EncodeToString(bytes.Repeat([]byte{7}, secretBytes))
	const invalid, malformed = "invalid token", "malformed token"
	tests := []struct {
		name  string
		token string
		want  string // the start of the message
	}{
		{"wrong secret", prefix + id + "_" + other, invalid},
		{"unknown id", prefix + "0123456789ab_" + secret, invalid},
		{"revoked", revoked, "token revoked"},
		{"empty", "", malformed},
		{"bearer scheme left on", "Bearer " + token, malformed},
		{"bearer x", "Bearer x", malformed},
		{"no prefix", id + "_" + secret, malformed},
		{"other prefix", "yt_" + id + "_" + secret, malformed},
		{"prefix only", prefix, malformed},
		{"no secret", prefix + id, malformed},
		{"empty secret", prefix + id + "_", malformed},
		{"no id", prefix + "_" + secret, malformed},
		{"secret only", prefix + secret, malformed},
		{"doubled underscore after prefix", prefix + "_" + id + "_" + secret, malformed},
		{"doubled underscore after id", prefix + id + "__" + secret, malformed},
		{"trailing underscore", token + "_", malformed},
		{"extra part", prefix + id + "_x_" + secret, malformed},
		{"upper-case id", prefix + "ABCDEF012345_" + secret, malformed},
		{"short id", prefix + id[1:] + "_" + secret, malformed},
		{"padded secret", token + "=", malformed},
		{"standard base64", prefix + id + "_" + "+" + secret[1:], malformed},
		{"not base64", prefix + id + "_" + "!" + secret[1:], malformed},
		{"line break in secret", prefix + id + "_" + secret[:20] + "\n" + secret[21:], malformed},
		{"short secret", token[:len(token)-1], malformed},
		{"surrounding space", " " + token, malformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := s.Verify(ctx, tt.token)
			if code := schemas.ErrorCode(err); code != schemas.EUNAUTHORIZED {
				t.Fatalf("Verify(%q) = %+v, %v (code %q); want %s", tt.token, got, err, code, schemas.EUNAUTHORIZED)
			}
			if msg := schemas.ErrorMessage(err); !strings.HasPrefix(msg, tt.want) {
				t.Errorf("message %q, want it to start %q", msg, tt.want)
			}
			if got != (Token{}) {
				t.Errorf("Verify returned %+v with its error, want the zero Token", got)
			}
		})
	}
}

// TestVerifySecretNotCanonical checks that a secret whose last character
// carries bits beyond the 32 bytes is refused, so each token has one
// spelling.
func TestVerifySecretNotCanonical(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	token, _ := mustCreate(t, s, "E08000009", t0)
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, token[len(token)-1])
	// 43 characters carry 258 bits; the last character's low two bits
	// are spare and must be zero.
	for spare := 1; spare < 4; spare++ {
		alt := token[:len(token)-1] + string(alphabet[last|spare])
		if _, err := s.Verify(context.Background(), alt); schemas.ErrorCode(err) != schemas.EUNAUTHORIZED {
			t.Errorf("Verify(%q) error %v, want %s", alt, err, schemas.EUNAUTHORIZED)
		}
	}
}

func TestFileKeepsNoSecret(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	token, _ := mustCreate(t, s, "E08000009", t0)
	_, secret := split(t, token)
	raw, err := base64.RawURLEncoding.DecodeString(secret)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(s.Path)
	if err != nil {
		t.Fatal(err)
	}
	for _, leak := range [][]byte{[]byte(token), []byte(secret), raw, []byte(hex.EncodeToString(raw))} {
		if bytes.Contains(b, leak) {
			t.Errorf("tokens.json holds the secret as %q:\n%s", leak, b)
		}
	}
	fi, err := os.Stat(s.Path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := fi.Mode().Perm(); mode != 0o600 {
		t.Errorf("tokens.json mode %v, want -rw-------", mode)
	}
	des, err := os.ReadDir(filepath.Dir(s.Path))
	if err != nil {
		t.Fatal(err)
	}
	for _, de := range des {
		if n := de.Name(); n != "tokens.json" && n != ".tokens.json.lock" {
			t.Errorf("folder holds %s, want only tokens.json and its lock", n)
		}
	}
}

func TestTwoTokensOneCouncil(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	a, ta := mustCreate(t, s, "E08000009", t0)
	b, tb := mustCreate(t, s, "E08000009", t0)
	if ta.ID == tb.ID || a == b {
		t.Fatalf("two tokens share id %s or secret", ta.ID)
	}
	for _, token := range []string{a, b} {
		if got, err := s.Verify(ctx, token); err != nil || got.Council != "E08000009" {
			t.Errorf("Verify(%s) = %+v, %v", token, got, err)
		}
	}
	// Revoking one leaves the other live.
	if err := s.Revoke(ctx, ta.ID, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Verify(ctx, a); err == nil {
		t.Error("revoked token still verifies")
	}
	if _, err := s.Verify(ctx, b); err != nil {
		t.Errorf("the other token fails once one is revoked: %v", err)
	}
}

// TestConcurrentCreate makes tokens from many goroutines at once, half
// through one Store and half through Stores of their own as separate
// processes would have, and checks that none is lost.
func TestConcurrentCreate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	shared := newStore(t)
	const workers, each = 8, 5
	var wg sync.WaitGroup
	made := make([][]string, workers)
	errs := make(chan error, workers*each)
	for w := range workers {
		s := shared
		if w%2 == 1 {
			s = &Store{Path: shared.Path}
		}
		wg.Go(func() {
			for i := range each {
				token, _, err := s.Create(ctx, fmt.Sprintf("E0800000%d", w), "", t0.Add(time.Duration(i)*time.Second))
				if err != nil {
					errs <- err
					return
				}
				made[w] = append(made[w], token)
				// Verify runs alongside the writes, as a server's would.
				if _, err := s.Verify(ctx, token); err != nil {
					errs <- fmt.Errorf("verify straight after create: %w", err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	list, err := shared.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != workers*each {
		t.Errorf("List has %d tokens, want %d", len(list), workers*each)
	}
	for w, tokens := range made {
		for _, token := range tokens {
			if got, err := shared.Verify(ctx, token); err != nil || got.Council != fmt.Sprintf("E0800000%d", w) {
				t.Errorf("Verify(%s) = %+v, %v", token, got, err)
			}
		}
	}
}

func TestList(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	got, err := s.List(ctx)
	if err != nil || got == nil || len(got) != 0 {
		t.Fatalf("List of a missing file = %#v, %v; want an empty list", got, err)
	}
	_, late := mustCreate(t, s, "E08000002", t0.Add(time.Hour))
	_, early := mustCreate(t, s, "E08000001", t0)
	_, sameA := mustCreate(t, s, "E08000003", t0.Add(time.Minute))
	_, sameB := mustCreate(t, s, "E08000004", t0.Add(time.Minute))
	if sameB.ID < sameA.ID {
		sameA, sameB = sameB, sameA
	}
	if err := s.Revoke(ctx, early.ID, t0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, err = s.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, tok := range got {
		ids = append(ids, tok.ID)
	}
	want := []string{early.ID, sameA.ID, sameB.ID, late.ID}
	if strings.Join(ids, " ") != strings.Join(want, " ") {
		t.Errorf("List order %v, want %v (by created, then id)", ids, want)
	}
	if got[0].Live() || !got[0].Revoked.Equal(t0.Add(2*time.Hour)) {
		t.Errorf("revoked token listed as %+v, want revoked at %v", got[0], t0.Add(2*time.Hour))
	}
	for _, tok := range got[1:] {
		if !tok.Live() {
			t.Errorf("token %s listed as revoked", tok.ID)
		}
	}
}

func TestRevoke(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	token, tok := mustCreate(t, s, "E08000009", t0)
	if _, err := s.Verify(ctx, token); err != nil {
		t.Fatal(err)
	}
	first := t0.Add(time.Hour)
	if err := s.Revoke(ctx, " "+tok.ID+" ", first); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	if _, err := s.Verify(ctx, token); schemas.ErrorMessage(err) != "token revoked" {
		t.Errorf("Verify after Revoke: %v, want token revoked", err)
	}
	if err := s.Revoke(ctx, tok.ID, first.Add(time.Hour)); err != nil {
		t.Errorf("second Revoke: %v, want nil", err)
	}
	list, err := s.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Revoked == nil || !list[0].Revoked.Equal(first) {
		t.Errorf("after two revokes List = %+v, want revoked at %v, the first time", list, first)
	}
	for _, id := range []string{"0123456789ab", "", "nonsense"} {
		err := s.Revoke(ctx, id, t0)
		if schemas.ErrorCode(err) != schemas.ENOTFOUND {
			t.Errorf("Revoke(%q) error %v (code %q), want %s", id, err, schemas.ErrorCode(err), schemas.ENOTFOUND)
		}
	}
	// With no tokens file the id is not found, and nothing is made.
	missing := &Store{Path: filepath.Join(t.TempDir(), "no-such-folder", "tokens.json")}
	err = missing.Revoke(ctx, tok.ID, t0)
	if schemas.ErrorCode(err) != schemas.ENOTFOUND {
		t.Errorf("Revoke with no tokens file: %v, want %s", err, schemas.ENOTFOUND)
	}
	if _, err := os.Stat(filepath.Dir(missing.Path)); err == nil {
		t.Error("Revoke with no tokens file made its folder")
	}
}

// TestVerifySeesOtherWriters checks that Verify's cached copy of the file
// follows changes another Store (another process) makes.
func TestVerifySeesOtherWriters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	server := newStore(t)
	cli := &Store{Path: server.Path}
	if _, err := server.Verify(ctx, prefix+"0123456789ab_"+strings.Repeat("A", secretLen)); err == nil {
		t.Fatal("Verify accepted a token with no tokens file")
	}
	token, tok := mustCreate(t, cli, "E08000009", t0)
	if _, err := server.Verify(ctx, token); err != nil {
		t.Fatalf("Verify after another Store's Create: %v", err)
	}
	if err := cli.Revoke(ctx, tok.ID, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := server.Verify(ctx, token); err == nil {
		t.Fatal("Verify accepts a token another Store revoked")
	}
	if err := os.Remove(server.Path); err != nil {
		t.Fatal(err)
	}
	if _, err := server.Verify(ctx, token); schemas.ErrorMessage(err) != "invalid token" {
		t.Errorf("Verify after tokens.json was removed: %v, want invalid token", err)
	}
}

func TestDamagedFile(t *testing.T) {
	t.Parallel()
	const (
		id   = "0123456789ab"
		salt = "00112233445566778899aabbccddeeff"
		hash = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
	)
	entry := func(id, council, salt, hash string) string {
		return fmt.Sprintf(`{"id":%q,"council":%q,"note":"","created":"2026-11-22T09:30:00Z","revoked":null,"salt":%q,"hash":%q}`, id, council, salt, hash)
	}
	tests := []struct {
		name    string
		content string
		want    string
	}{
		{"empty", "", "the file is empty"},
		{"not JSON", "tokens", "invalid character"},
		{"truncated", `{"tokens":[` + entry(id, "E08000009", salt, hash), "unexpected EOF"},
		{"two objects", `{"tokens":[]} {}`, "data after the tokens object"},
		{"unknown field", `{"tokens":[],"secret":"x"}`, `unknown field "secret"`},
		{"bad id", `{"tokens":[` + entry("XYZ", "E08000009", salt, hash) + `]}`, `token 1: id "XYZ"`},
		{"no council", `{"tokens":[` + entry(id, " ", salt, hash) + `]}`, "token 1: no council"},
		{"short salt", `{"tokens":[` + entry(id, "E08000009", salt[2:], hash) + `]}`, "token 1: salt"},
		{"hash not hex", `{"tokens":[` + entry(id, "E08000009", salt, "zz"+hash[2:]) + `]}`, "token 1: hash"},
		{"id twice", `{"tokens":[` + entry(id, "E08000009", salt, hash) + "," + entry(id, "E08000008", salt, hash) + `]}`, "token 2: id 0123456789ab is given twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := newStore(t)
			if err := os.WriteFile(s.Path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			check := func(op string, err error) {
				t.Helper()
				if err == nil {
					t.Fatalf("%s succeeded on a damaged file", op)
				}
				if msg := err.Error(); !strings.Contains(msg, s.Path+" is damaged") || !strings.Contains(msg, tt.want) {
					t.Errorf("%s error %q, want it to name %s and say %q", op, msg, s.Path, tt.want)
				}
				// Not the caller's fault: a server answers 500, not 401.
				if code := schemas.ErrorCode(err); code != schemas.EINTERNAL {
					t.Errorf("%s error code %q, want %s", op, code, schemas.EINTERNAL)
				}
			}
			_, err := s.List(ctx)
			check("List", err)
			_, err = s.Verify(ctx, prefix+id+"_"+strings.Repeat("A", secretLen))
			check("Verify", err)
			_, _, err = s.Create(ctx, "E08000009", "", t0)
			check("Create", err)
			check("Revoke", s.Revoke(ctx, id, t0))
			if b, _ := os.ReadFile(s.Path); string(b) != tt.content {
				t.Errorf("the damaged file was rewritten as %q", b)
			}
		})
	}
}

func TestCancelledContext(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := s.Create(ctx, "E08000009", "", t0); err == nil {
		t.Error("Create with a cancelled context succeeded")
	}
	if _, err := os.Stat(s.Path); err == nil {
		t.Error("Create with a cancelled context wrote the tokens file")
	}
}

func TestFromAuthorization(t *testing.T) {
	t.Parallel()
	tests := []struct {
		header string
		want   string
		ok     bool
	}{
		{"Bearer ys_abc", "ys_abc", true},
		{"bearer ys_abc", "ys_abc", true},
		{"BEARER  ys_abc ", "ys_abc", true},
		{"Bearer", "", false},
		{"Bearer ", "", false},
		{"Basic dXNlcjpwYXNz", "", false},
		{"ys_abc", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := FromAuthorization(tt.header)
		if got != tt.want || ok != tt.ok {
			t.Errorf("FromAuthorization(%q) = %q, %v; want %q, %v", tt.header, got, ok, tt.want, tt.ok)
		}
	}
}

// FuzzParse checks that parse never panics and accepts only tokens in
// their one canonical spelling.
func FuzzParse(f *testing.F) {
	f.Add("ys_0123456789ab_" + strings.Repeat("A", secretLen))
	f.Add("ys_0123456789ab_" + strings.Repeat("_", secretLen))
	f.Add("Bearer x")
	f.Add("ys___")
	f.Fuzz(func(t *testing.T, s string) {
		id, raw, ok := parse(s)
		if !ok {
			return
		}
		if again := prefix + id + "_" + base64.RawURLEncoding.EncodeToString(raw); again != s {
			t.Errorf("parse(%q) accepted a token that reads %q when written again", s, again)
		}
	})
}

// BenchmarkVerify measures the check the API makes on every submission,
// with a file of a hundred tokens.
func BenchmarkVerify(b *testing.B) {
	ctx := context.Background()
	s := newStore(b)
	var token string
	for i := range 100 {
		token, _ = mustCreate(b, s, fmt.Sprintf("E08%06d", i), t0)
	}
	for b.Loop() {
		if _, err := s.Verify(ctx, token); err != nil {
			b.Fatal(err)
		}
	}
}

// ExampleStore_Verify shows the check a server makes on a submission.
func ExampleStore_Verify() {
	dir, err := os.MkdirTemp("", "tokens")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	store := &Store{Path: filepath.Join(dir, "tokens.json")}
	secret, _, err := store.Create(ctx, "E08000009", "Trafford's performance team", time.Now())
	if err != nil {
		panic(err)
	}

	// The server takes the token from the Authorization header.
	bearer, _ := FromAuthorization("Bearer " + secret)
	t, err := store.Verify(ctx, bearer)
	fmt.Println(t.Council, err)

	_, err = store.Verify(ctx, "ys_0123456789ab_"+strings.Repeat("A", 43))
	fmt.Println(schemas.ErrorCode(err), err)
	// Output:
	// E08000009 <nil>
	// unauthorized invalid token
}
