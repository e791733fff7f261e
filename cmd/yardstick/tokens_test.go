package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yardstick-open/yardstick/schemas"
	"github.com/yardstick-open/yardstick/tokens"
)

// TestTokensCommand makes, lists and revokes tokens as an administrator
// would, checking each step against what the API's check, Store.Verify,
// accepts.
func TestTokensCommand(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")
	store := &tokens.Store{Path: schemas.Layout{Root: dir}.TokensFile()}

	code, stdout, stderr := runCmd(t, "tokens", "create", "--data", dir, "--council", "E08000009", "--note", "performance\tteam")
	if code != exitOK {
		t.Fatalf("create exit %d: %s", code, stderr)
	}
	token := strings.TrimSuffix(stdout, "\n")
	if strings.Contains(token, "\n") || !strings.HasPrefix(token, "ys_") {
		t.Fatalf("create printed %q, want the token alone on one line", stdout)
	}
	for _, want := range []string{"shown only this once", "Trafford (E08000009)", submitExample} {
		if !strings.Contains(stderr, want) {
			t.Errorf("create's advice lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, token) {
		t.Errorf("the token is printed twice:\n%s", stderr)
	}
	got, err := store.Verify(ctx, token)
	if err != nil || got.Council != "E08000009" {
		t.Fatalf("Verify(printed token) = %+v, %v; want a token for E08000009", got, err)
	}

	// A name resolves as ingest's --council resolves it.
	code, byName, stderr := runCmd(t, "tokens", "create", "--data", dir, "--council", "trafford")
	if code != exitOK {
		t.Fatalf("create by name exit %d: %s", code, stderr)
	}
	if got, err := store.Verify(ctx, strings.TrimSpace(byName)); err != nil || got.Council != "E08000009" {
		t.Errorf("token made by name: %+v, %v; want one for E08000009", got, err)
	}

	code, stdout, stderr = runCmd(t, "tokens", "list", "--data", dir)
	if code != exitOK {
		t.Fatalf("list exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "ID ") {
		t.Fatalf("list printed %d lines, want a header and 2 tokens:\n%s", len(lines), stdout)
	}
	for _, want := range []string{got.ID, "E08000009", "Trafford", "live", "performance team"} {
		if !strings.Contains(lines[1], want) {
			t.Errorf("list's first token line lacks %q:\n%s", want, stdout)
		}
	}

	if code, stdout, stderr = runCmd(t, "tokens", "revoke", "--data", dir, got.ID); code != exitOK {
		t.Fatalf("revoke exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "Token "+got.ID+" for E08000009 revoked at ") {
		t.Errorf("revoke printed %q", stdout)
	}
	if _, err := store.Verify(ctx, token); schemas.ErrorCode(err) != schemas.EUNAUTHORIZED {
		t.Errorf("Verify after revoke: %v, want %s", err, schemas.EUNAUTHORIZED)
	}
	if code, _, stderr = runCmd(t, "tokens", "revoke", "--data", dir, got.ID); code != exitOK {
		t.Errorf("second revoke exit %d: %s", code, stderr)
	}

	code, stdout, stderr = runCmd(t, "tokens", "list", "--data", dir, "--json")
	if code != exitOK {
		t.Fatalf("list --json exit %d: %s", code, stderr)
	}
	var listed []struct {
		ID          string  `json:"id"`
		Council     string  `json:"council"`
		CouncilName string  `json:"council_name"`
		Status      string  `json:"status"`
		Revoked     *string `json:"revoked"`
		Hash        *string `json:"hash"`
	}
	if err := json.Unmarshal([]byte(stdout), &listed); err != nil {
		t.Fatalf("list --json printed no list: %v\n%s", err, stdout)
	}
	if len(listed) != 2 || listed[0].ID != got.ID || listed[0].Status != "revoked" || listed[0].Revoked == nil ||
		listed[1].Status != "live" || listed[1].CouncilName != "Trafford" {
		t.Errorf("list --json = %+v", listed)
	}
	for _, l := range listed {
		if l.Hash != nil {
			t.Errorf("list --json shows token %s's hash", l.ID)
		}
	}
}

func TestTokensErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"no subcommand", []string{"tokens"}, []string{"Usage: yardstick tokens", "create", "list", "revoke"}},
		{"unknown subcommand", []string{"tokens", "make"}, []string{`yardstick tokens: unknown subcommand "make"`, "create", "list", "revoke"}},
		{"no council", []string{"tokens", "create", "--data", dir}, []string{"yardstick tokens create: name the council with --council"}},
		{"unknown code", []string{"tokens", "create", "--data", dir, "--council", "E08000099"},
			[]string{`yardstick tokens create: --council: unknown council: "E08000099"; no council has that code; did you mean`}},
		{"unknown name", []string{"tokens", "create", "--data", dir, "--council", "Atlantis"},
			[]string{`--council: unknown council: "Atlantis"; no council has that name`}},
		{"abolished council", []string{"tokens", "create", "--data", dir, "--council", "E10000021"},
			[]string{"Northamptonshire (E10000021) was abolished on 2021-04-01", "North Northamptonshire (E06000061)"}},
		{"stray argument", []string{"tokens", "create", "--data", dir, "--council", "E08000009", "extra"}, []string{`unexpected argument "extra"`}},
		{"revoke without id", []string{"tokens", "revoke", "--data", dir}, []string{"yardstick tokens revoke: name one token id"}},
		{"revoke unknown id", []string{"tokens", "revoke", "--data", dir, "0123456789ab"},
			[]string{`yardstick tokens revoke: no token has the id "0123456789ab" in ` + dir}},
		{"bad flag", []string{"tokens", "list", "--nope"}, []string{"flag provided but not defined: -nope"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runCmd(t, tt.args...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			if stdout != "" {
				t.Errorf("stdout %q, want nothing", stdout)
			}
			for _, want := range tt.want {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
		})
	}
	t.Cleanup(func() {
		if _, err := os.Stat(filepath.Join(dir, "tokens.json")); err == nil {
			t.Error("a refused command wrote tokens.json")
		}
	})
}

func TestTokensHelp(t *testing.T) {
	t.Parallel()
	code, stdout, _ := runCmd(t, "tokens", "help")
	if code != exitOK || !strings.Contains(stdout, "revoke [--data DIR] ID") {
		t.Errorf("tokens help: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = runCmd(t, "tokens", "list", "--data", filepath.Join(t.TempDir(), "empty"))
	if code != exitOK || !strings.Contains(stdout, "No tokens in ") {
		t.Errorf("list with no tokens: exit %d\n%s", code, stdout)
	}
}
