// Package tokens owns councils' submission tokens: the secrets a council
// presents as "Authorization: Bearer <token>" to submit returns through
// the API, each bound to exactly one council.
//
// # Tokens
//
// A token reads ys_<id>_<secret>. The id is 12 lower-case hex digits,
// public, and names the token when it is listed or revoked. The secret is
// 32 random bytes in unpadded base64url (43 characters); that alphabet
// includes "_", so a token is split at the first underscore after "ys_"
// only, and the secret is the rest. The secret is shown once, when the
// token is made, and never stored.
//
// # The file
//
// A data folder's tokens.json (schemas.Layout.TokensFile) holds every
// token ever made, revoked ones included:
//
//	{
//	  "tokens": [
//	    {
//	      "id": "3f9a0c1be27d",
//	      "council": "E08000009",
//	      "note": "Trafford's performance team",
//	      "created": "2026-11-22T09:30:00Z",
//	      "revoked": null,
//	      "salt": "<16 bytes, hex>",
//	      "hash": "<SHA-256 of salt then secret bytes, hex>"
//	    }
//	  ]
//	}
//
// revoked is the time the token was revoked, or null while it is live. The
// file has mode 0600. Changes take an exclusive lock on .tokens.json.lock
// beside it, read the file afresh, and write a new file under a temporary
// name that is synced and renamed into place, so concurrent changes, from
// this process or another, lose none, and a reader sees the old file or
// the new one, never half.
package tokens

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/yardstick-open/yardstick/schemas"
)

// Sizes of a token's parts.
const (
	prefix      = "ys_"
	idBytes     = 6  // 12 hex digits: enough to tell tokens apart, and public
	secretBytes = 32 // 256 bits from crypto/rand
	saltBytes   = 16
)

// secretLen is the length of a secret in unpadded base64url.
var secretLen = base64.RawURLEncoding.EncodedLen(secretBytes)

// Token is a submission token as listed: everything but its secret and
// the hash that checks it.
type Token struct {
	ID      string     `json:"id"`
	Council string     `json:"council"` // GSS code
	Note    string     `json:"note"`
	Created time.Time  `json:"created"`
	Revoked *time.Time `json:"revoked"` // nil while the token is live
}

// Live reports whether the token has not been revoked.
func (t Token) Live() bool { return t.Revoked == nil }

// record is a token as tokens.json stores it.
//
// The hash is SHA-256 over salt and secret, not a slow password hash such
// as bcrypt or Argon2: those make guessing a low-entropy password costly,
// but a secret of 256 bits from crypto/rand cannot be guessed however fast
// each guess is, so slowness would only make every request dearer. The
// salt costs nothing and keeps two hashes from ever matching.
type record struct {
	Token
	Salt string `json:"salt"`
	Hash string `json:"hash"`
}

// file is the content of tokens.json.
type file struct {
	Tokens []record `json:"tokens"`
}

// Store keeps the submission tokens of one data folder in the file at
// Path. Its methods are safe to call from many goroutines, and several
// processes may share the file. A Store must not be copied after first
// use.
type Store struct {
	Path string

	mu     sync.Mutex
	cached *snapshot // the file as Verify last read it
}

// snapshot is the parsed file together with what identified it on disk.
type snapshot struct {
	info fs.FileInfo // nil for a missing file
	byID map[string]record
}

// fresh reports whether fi is still the file the snapshot was read from.
// Every write renames a new file into place, so the file changes inode as
// well as modification time and, nearly always, size.
func (s *snapshot) fresh(fi fs.FileInfo) bool {
	if s.info == nil || fi == nil {
		return s.info == nil && fi == nil
	}
	return os.SameFile(s.info, fi) && s.info.ModTime().Equal(fi.ModTime()) && s.info.Size() == fi.Size()
}

// Create makes a token for council and returns it, with the secret string
// that is its only copy: ys_<id>_<secret>. note is free text for whoever
// lists the tokens. The council is trimmed and must not be blank; that it
// names a council is for the caller to check against the register.
func (s *Store) Create(ctx context.Context, council, note string, now time.Time) (secret string, t Token, err error) {
	council = strings.TrimSpace(council)
	if council == "" {
		return "", Token{}, schemas.Errorf(schemas.EINVALID, "a token needs a council")
	}
	var raw [secretBytes]byte
	var salt [saltBytes]byte
	rand.Read(raw[:]) // crypto/rand.Read never fails: it crashes the program instead
	rand.Read(salt[:])
	err = s.update(ctx, func(f *file) error {
		id := newID(f)
		t = Token{ID: id, Council: council, Note: strings.TrimSpace(note), Created: now.UTC()}
		f.Tokens = append(f.Tokens, record{Token: t, Salt: hex.EncodeToString(salt[:]), Hash: hex.EncodeToString(hash(salt[:], raw[:]))})
		return nil
	})
	if err != nil {
		return "", Token{}, err
	}
	return prefix + t.ID + "_" + base64.RawURLEncoding.EncodeToString(raw[:]), t, nil
}

// newID returns a random id that no token in f has.
func newID(f *file) string {
	for {
		var b [idBytes]byte
		rand.Read(b[:])
		id := hex.EncodeToString(b[:])
		if !slices.ContainsFunc(f.Tokens, func(r record) bool { return r.ID == id }) {
			return id
		}
	}
}

// List returns every token, revoked ones included, oldest first (by id
// among tokens made at the same time). A missing file holds no tokens.
func (s *Store) List(ctx context.Context) ([]Token, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, _, err := s.read()
	if err != nil {
		return nil, err
	}
	out := make([]Token, 0, len(f.Tokens))
	for _, r := range f.Tokens {
		out = append(out, r.Token)
	}
	slices.SortFunc(out, func(a, b Token) int {
		if c := a.Created.Compare(b.Created); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

// Revoke revokes the token with the given id from now on. An unknown id is
// an ENOTFOUND error. Revoking a revoked token does nothing and returns
// nil: the token stays revoked from the first time, so running a revoke
// again is safe.
func (s *Store) Revoke(ctx context.Context, id string, now time.Time) error {
	id = strings.TrimSpace(id)
	notFound := schemas.Errorf(schemas.ENOTFOUND, "no token has the id %q", id)
	// With no file there is nothing to revoke, and taking the lock would
	// make the folder of a mistyped path.
	if _, err := os.Stat(s.Path); errors.Is(err, fs.ErrNotExist) {
		return notFound
	}
	return s.update(ctx, func(f *file) error {
		for i := range f.Tokens {
			r := &f.Tokens[i]
			if r.ID != id {
				continue
			}
			if r.Revoked == nil {
				at := now.UTC()
				r.Revoked = &at
			}
			return nil
		}
		return notFound
	})
}

// Verify checks a token as presented, ys_<id>_<secret> with no "Bearer "
// before it (see FromAuthorization), and returns the token it is, whose
// Council is the one council it may submit for. Every failure is an
// EUNAUTHORIZED error: a malformed token says so, and a revoked one says
// it is revoked once its secret has been checked, but an unknown id and a
// wrong secret read the same, so the answer does not tell a guesser which
// ids exist. A missing tokens file is no tokens, so every token fails.
//
// Verify reads the file again only when it has changed since the last
// call, so on the hot path it costs a stat and a hash.
func (s *Store) Verify(ctx context.Context, bearer string) (Token, error) {
	if err := ctx.Err(); err != nil {
		return Token{}, err
	}
	id, raw, ok := parse(bearer)
	if !ok {
		return Token{}, schemas.Errorf(schemas.EUNAUTHORIZED, "malformed token: a token reads ys_<id>_<secret>")
	}
	snap, err := s.snapshot()
	if err != nil {
		return Token{}, err
	}
	r, known := snap.byID[id]
	salt, want := decoy[:saltBytes], decoy[saltBytes:]
	if known {
		// The stored values were checked when the file was read.
		salt, _ = hex.DecodeString(r.Salt)
		want, _ = hex.DecodeString(r.Hash)
	}
	// An unknown id is hashed too, against a decoy, so it takes as long to
	// refuse as a wrong secret.
	match := subtle.ConstantTimeCompare(hash(salt, raw), want) == 1
	if !known || !match {
		return Token{}, schemas.Errorf(schemas.EUNAUTHORIZED, "invalid token")
	}
	if !r.Live() {
		return Token{}, schemas.Errorf(schemas.EUNAUTHORIZED, "token revoked")
	}
	return r.Token, nil
}

// decoy is a salt and a hash that no secret is expected to match, for
// unknown ids.
var decoy = func() []byte {
	b := make([]byte, saltBytes+sha256.Size)
	rand.Read(b)
	return b
}()

// FromAuthorization returns the token in the value of an HTTP
// Authorization header, "Bearer <token>" with the scheme in any case
// (RFC 9110, section 11.1), and false when the header is not of that form.
func FromAuthorization(header string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimLeft(token, " ")
	return token, token != ""
}

// parse splits a presented token into its id and the secret's bytes. The
// secret must be in canonical unpadded base64url, so that a token has one
// spelling.
func parse(s string) (id string, raw []byte, ok bool) {
	rest, ok := strings.CutPrefix(s, prefix)
	if !ok {
		return "", nil, false
	}
	id, secret, ok := strings.Cut(rest, "_")
	if !ok || !validID(id) || len(secret) != secretLen {
		return "", nil, false
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(secret)
	// The decoder skips line breaks, so a secret of the right length
	// holding one decodes short.
	if err != nil || len(raw) != secretBytes {
		return "", nil, false
	}
	return id, raw, true
}

// validID reports whether id has the form of a token id.
func validID(id string) bool {
	if len(id) != 2*idBytes {
		return false
	}
	for _, c := range []byte(id) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// hash returns SHA-256 of salt followed by secret.
func hash(salt, secret []byte) []byte {
	h := sha256.New()
	h.Write(salt)
	h.Write(secret)
	return h.Sum(nil)
}

// snapshot returns the file's content as last read, reading it again if it
// has changed on disk since.
func (s *Store) snapshot() (*snapshot, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fi, err := os.Stat(s.Path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("stat tokens file: %w", err)
	}
	if s.cached != nil && s.cached.fresh(fi) {
		return s.cached, nil
	}
	f, fi, err := s.read()
	if err != nil {
		return nil, err
	}
	snap := &snapshot{info: fi, byID: make(map[string]record, len(f.Tokens))}
	for _, r := range f.Tokens {
		snap.byID[r.ID] = r
	}
	s.cached = snap
	return snap, nil
}

// read reads and checks the file, returning with its content the file's
// details as read through the same open file, so that the two agree even
// when a writer renames a new file into place meanwhile. A missing file
// is an empty one, with nil details.
func (s *Store) read() (*file, fs.FileInfo, error) {
	fh, err := os.Open(s.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return &file{}, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("open tokens file: %w", err)
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		return nil, nil, fmt.Errorf("stat tokens file: %w", err)
	}
	b, err := io.ReadAll(fh)
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", s.Path, err)
	}
	f, err := decode(b)
	if err != nil {
		return nil, nil, fmt.Errorf("%s is damaged: %w", s.Path, err)
	}
	return f, fi, nil
}

// decode parses tokens.json and checks each token's fields, so that Verify
// can trust them.
func decode(b []byte) (*file, error) {
	var f file
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	err := dec.Decode(&f)
	if errors.Is(err, io.EOF) {
		return nil, errors.New("the file is empty")
	}
	if err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("data after the tokens object")
	}
	seen := make(map[string]bool, len(f.Tokens))
	for i, r := range f.Tokens {
		var problem string
		switch {
		case !validID(r.ID):
			problem = fmt.Sprintf("id %q is not %d hex digits", r.ID, 2*idBytes)
		case seen[r.ID]:
			problem = fmt.Sprintf("id %s is given twice", r.ID)
		case strings.TrimSpace(r.Council) == "":
			problem = "no council"
		case !isHex(r.Salt, saltBytes):
			problem = fmt.Sprintf("salt is not %d hex digits", 2*saltBytes)
		case !isHex(r.Hash, sha256.Size):
			problem = fmt.Sprintf("hash is not %d hex digits", 2*sha256.Size)
		}
		if problem != "" {
			return nil, fmt.Errorf("token %d: %s", i+1, problem)
		}
		seen[r.ID] = true
	}
	return &f, nil
}

// isHex reports whether s is n bytes in hex.
func isHex(s string, n int) bool {
	b, err := hex.DecodeString(s)
	return err == nil && len(b) == n
}

// update changes the file through change while holding the file's lock,
// and writes the result if change returns nil.
func (s *Store) update(ctx context.Context, change func(*file) error) (err error) {
	unlock, err := schemas.LockFile(ctx, s.lockPath())
	if err != nil {
		return err
	}
	defer func() {
		if uerr := unlock(); uerr != nil && err == nil {
			err = fmt.Errorf("unlock tokens file: %w", uerr)
		}
	}()
	f, _, err := s.read()
	if err != nil {
		return err
	}
	if err := change(f); err != nil {
		return err
	}
	return s.write(f)
}

// lockPath is the file update locks: a sibling, since the tokens file
// itself is replaced by each write and a lock on it would be lost.
func (s *Store) lockPath() string {
	dir, base := filepath.Split(s.Path)
	return filepath.Join(dir, "."+base+".lock")
}

// write replaces the file with f, privately: the hashes are no use to
// anyone else.
func (s *Store) write(f *file) error {
	if f.Tokens == nil {
		f.Tokens = []record{}
	}
	p, err := schemas.CreatePending(s.Path)
	if err != nil {
		return fmt.Errorf("write tokens file: %w", err)
	}
	defer p.Abort()
	if err := p.Chmod(0o600); err != nil {
		return fmt.Errorf("write tokens file: %w", err)
	}
	if err := schemas.EncodeJSON(p, f); err != nil {
		return fmt.Errorf("write tokens file: %w", err)
	}
	if err := p.Commit(); err != nil {
		return fmt.Errorf("write tokens file: %w", err)
	}
	return nil
}
