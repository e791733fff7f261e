package duckdb

import (
	"context"
	"database/sql"
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
// string_agg, deriveLinks in Go from the members streamed in order.
func TestHistoryDeriveFromLinks(t *testing.T) {
	t.Parallel()
	cat := disclosureCatalogue(t)
	root := writeDataDir(t, disclosureSubs()...)
	// per is the members a slice of history_link_parts.sql is given (0:
	// as many as DuckDB's limit allows, here all in one).
	compare := func(name string, per int64) {
		t.Helper()
		var members, missing, extra int
		var slices int64
		var hookErr error
		in := BuildInput{DataDir: root, Catalogue: cat, Councils: fixtureCouncils(t), Neighbours: 2,
			afterSuppress: func(ctx context.Context, conn *sql.Conn) error {
				s := &session{conn: conn, linkSlice: per}
				for _, q := range []string{"history_current", "history_derive", "history_derive_members"} {
					if hookErr = s.exec(ctx, q); hookErr != nil {
						return nil
					}
				}
				if _, hookErr = conn.ExecContext(ctx, "CREATE TEMP TABLE relinked AS SELECT * FROM derived_members"); hookErr != nil {
					return nil
				}
				// How many slices deriveLinks reads, from its own table.
				if hookErr = s.exec(ctx, "history_link_members"); hookErr != nil {
					return nil
				}
				if _, slices, hookErr = s.linkSigs(ctx); hookErr != nil {
					return nil
				}
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
		if per > 0 && slices < 2 {
			t.Errorf("%s: read the members in %d slices at %d members a slice, want several", name, slices, per)
		}
	}
	compare("first release", 0)
	// Groups never split across slices, and every slice is read.
	compare("first release, members read in slices", 2)
	if _, err := buildRelease(t, root, "r1", cat); err != nil {
		t.Fatal(err)
	}
	compare("second release", 0)
	compare("second release, members read in slices", 2)
}
