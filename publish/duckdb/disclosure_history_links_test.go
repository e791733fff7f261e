package duckdb

import (
	"context"
	"database/sql"
	"reflect"
	"testing"
)

// TestHistoryDeriveFromLinks backs recordHistory: the linked groups the
// release being built publishes with a hidden member, read from the groups
// suppression linked (history_derive_links.sql), are the rows
// history_derive_members.sql gives by linking the cells again, the way it
// reads earlier releases. Both run over the observations as suppression
// leaves them, on the disclosure fixture (council-wide totals, a year
// over its quarters, a cell the council marked [c]) and on a second
// release over the first, whose history makes cells known. Signatures
// included: history_derive_members.sql signs a group with an ordered
// string_agg, deriveLinks in Go from the members read in order, in one
// slice of gids or in several.
func TestHistoryDeriveFromLinks(t *testing.T) {
	t.Parallel()
	cat := disclosureCatalogue(t)
	root := writeDataDir(t, disclosureSubs()...)
	compare := func(name string) {
		t.Helper()
		var members, missing, extra int
		var whole, sliced []linkSig
		var readWhole, readSliced int
		var hookErr error
		in := BuildInput{DataDir: root, Catalogue: cat, Councils: fixtureCouncils(t), Neighbours: 2,
			afterSuppress: func(ctx context.Context, conn *sql.Conn) error {
				s := &session{conn: conn}
				for _, q := range []string{"history_current", "history_derive", "history_derive_members"} {
					if hookErr = s.exec(ctx, q); hookErr != nil {
						return nil
					}
				}
				if _, hookErr = conn.ExecContext(ctx, "CREATE TEMP TABLE relinked AS SELECT * FROM derived_members"); hookErr != nil {
					return nil
				}
				// The signatures in one slice of gids, and two members a
				// slice: every slice read, no group split.
				if hookErr = s.exec(ctx, "history_link_members"); hookErr != nil {
					return nil
				}
				if whole, readWhole, hookErr = s.linkSigs(ctx); hookErr != nil {
					return nil
				}
				s.linkSlice = 2
				if sliced, readSliced, hookErr = s.linkSigs(ctx); hookErr != nil {
					return nil
				}
				s.linkSlice = 0
				if hookErr = s.deriveLinks(ctx); hookErr != nil {
					return nil
				}
				hookErr = conn.QueryRowContext(ctx, `SELECT
					(SELECT count(*) FROM relinked),
					(SELECT count(*) FROM (SELECT * FROM relinked EXCEPT ALL SELECT * FROM derived_members)),
					(SELECT count(*) FROM (SELECT * FROM derived_members EXCEPT ALL SELECT * FROM relinked))`).Scan(&members, &missing, &extra)
				conn.ExecContext(ctx, "DROP TABLE relinked")
				return nil
			}}
		if err := openTest(t).Build(context.Background(), in); err != nil {
			t.Fatal(err)
		}
		if hookErr != nil {
			t.Fatal(hookErr)
		}
		if members == 0 {
			t.Fatalf("%s: no group was published with a hidden member: the fixture no longer tests the history's groups", name)
		}
		if missing != 0 || extra != 0 {
			t.Errorf("%s: of %d members linked again, %d are missing from those read from disclosure_links, which has %d more",
				name, members, missing, extra)
		}
		if readWhole != 1 || readSliced < 2 {
			t.Errorf("%s: read the members in %d slices, and in %d at two members a slice; want 1 and several",
				name, readWhole, readSliced)
		}
		if !reflect.DeepEqual(sliced, whole) {
			t.Errorf("%s: signed in slices of two members:\n%v\nin one slice:\n%v", name, sliced, whole)
		}
	}
	compare("first release")
	if _, err := buildRelease(t, root, "r1", cat); err != nil {
		t.Fatal(err)
	}
	compare("second release")
}
