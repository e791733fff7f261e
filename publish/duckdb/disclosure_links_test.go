package duckdb

import (
	"context"
	"database/sql"
	"testing"
)

// TestCheckReusesSuppressionLinks backs linksForCheck: the disclosure_links
// suppression builds, which the check within Build reads rather than build
// again, holds the same rows, but for the pick order's columns (pick_class,
// pick_n, pick_x), as disclosure_links.sql gives on the observations the
// check sees, each member on the same row of observations (rid). The table
// and its inputs made before it (disclosure_truth, history_known) are
// copied as suppression leaves them; once Build has finished,
// disclosure_links.sql is run again over the final observations with those
// inputs and the two compared.
func TestCheckReusesSuppressionLinks(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	in := BuildInput{DataDir: writeDataDir(t, disclosureSubs()...), Catalogue: disclosureCatalogue(t),
		Councils: fixtureCouncils(t), Neighbours: 2,
		afterSuppress: func(ctx context.Context, conn *sql.Conn) error {
			for _, q := range []string{
				"CREATE TABLE kept_links AS SELECT * FROM disclosure_links",
				"CREATE TABLE kept_truth AS SELECT * FROM disclosure_truth",
				"CREATE TABLE kept_known AS SELECT * FROM history_known",
			} {
				if _, err := conn.ExecContext(ctx, q); err != nil {
					return err
				}
			}
			return nil
		}}
	if err := db.Build(ctx, in); err != nil {
		t.Fatal(err)
	}
	conn, err := db.db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	links, err := lookup("disclosure_links")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"CREATE TEMP TABLE disclosure_truth AS SELECT * FROM kept_truth",
		"CREATE TEMP TABLE history_known AS SELECT * FROM kept_known",
		links,
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	count := func(q string) int {
		t.Helper()
		var n int
		if err := conn.QueryRowContext(ctx, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// The comparison means something only if rows were linked and cells
	// were hidden after disclosure_links was built (secondary and linked
	// suppression, which set a cell's status and clear its figures).
	if n := count("SELECT count(*) FROM kept_links"); n == 0 {
		t.Fatal("suppression linked no groups: the fixture no longer has totals")
	}
	// A cell hidden but not for itself (is_primary) was hidden by the
	// rounds, after disclosure_links was built.
	later := count(`SELECT count(*) FROM observations o
		JOIN kept_truth t USING (council_code, provider_id, service, metric, period)
		WHERE o.status = 'c' AND NOT t.is_primary`)
	if later == 0 {
		t.Fatal("no cell was hidden after suppress_primary: the fixture no longer tests figures changed after disclosure_links")
	}
	const cols = "link, council_code, group_provider, service, metric, group_period, provider_id, period, is_total, rid, gid, known, shown_before, inexact"
	for _, q := range []string{
		"SELECT count(*) FROM (SELECT " + cols + " FROM kept_links EXCEPT ALL SELECT " + cols + " FROM disclosure_links)",
		"SELECT count(*) FROM (SELECT " + cols + " FROM disclosure_links EXCEPT ALL SELECT " + cols + " FROM kept_links)",
	} {
		if n := count(q); n != 0 {
			t.Errorf("%d rows of one disclosure_links are not in the other: %s", n, q)
		}
	}
}
