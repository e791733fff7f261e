package duckdb

import (
	"context"
	"database/sql"
	"reflect"
	"strings"
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
	const cols = "link, council_code, group_provider, service, metric, group_period, provider_id, period, is_total, rid, gid, known, shown_before, inexact, known_x, known_n, truth_x, truth_n, is_primary"
	for _, q := range []string{
		"SELECT count(*) FROM (SELECT " + cols + " FROM kept_links EXCEPT ALL SELECT " + cols + " FROM disclosure_links)",
		"SELECT count(*) FROM (SELECT " + cols + " FROM disclosure_links EXCEPT ALL SELECT " + cols + " FROM kept_links)",
	} {
		if n := count(q); n != 0 {
			t.Errorf("%d rows of one disclosure_links are not in the other: %s", n, q)
		}
	}
}

// TestLinksByPeriod checks the groups disclosure_links.sql makes of one
// provider's figures by month, quarter and year, and of a council-wide
// month over its providers, worked out by hand from the link rules: a
// year totals the quarters and, apart, the months in it; a quarter the
// months in it; a council-wide row the providers' rows of the same
// period. P2 sends April to June, Q1 and the year; P3 sends April; the
// council sends April.
func TestLinksByPeriod(t *testing.T) {
	t.Parallel()
	const apr, may, jun = "2024-04", "2024-05", "2024-06"
	row := func(provider, period string, x, n int64) obs {
		return obs{Provider: provider, Name: "Provider " + provider, Service: svcCare, Metric: mComplaints,
			Period: period, Num: i64(x), Den: i64(n)}
	}
	var got []string
	in := BuildInput{DataDir: writeDataDir(t, sub{ID: "p", Council: cA, Received: day("2025-04-10"), Rows: []obs{
		row("P2", apr, 6, 40), row("P2", may, 7, 45), row("P2", jun, 8, 50), row("P2", dq1, 21, 135),
		row("P2", dfy, 90, 600), row("P3", apr, 5, 60), row("", apr, 11, 100),
	}}), Catalogue: disclosureCatalogue(t), Councils: fixtureCouncils(t), Neighbours: 2,
		afterSuppress: func(ctx context.Context, conn *sql.Conn) error {
			rows, err := conn.QueryContext(ctx, `
				SELECT link || ' ' || group_provider || ' ' || group_period || ': ' ||
				       string_agg(CASE WHEN is_total THEN '=' ELSE '' END || provider_id || ' ' || period, ', '
				                  ORDER BY is_total DESC, provider_id, period)
				FROM disclosure_links GROUP BY gid, link, group_provider, group_period ORDER BY 1`)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var g string
				if err := rows.Scan(&g); err != nil {
					return err
				}
				got = append(got, g)
			}
			return rows.Err()
		}}
	if err := openTest(t).Build(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"months P2 2024-25-Q1: =P2 2024-25-Q1, P2 2024-04, P2 2024-05, P2 2024-06",
		"months P2 2024-25: =P2 2024-25, P2 2024-04, P2 2024-05, P2 2024-06",
		"providers  2024-04: = 2024-04, P2 2024-04, P3 2024-04",
		"quarters P2 2024-25: =P2 2024-25, P2 2024-25-Q1",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("groups:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
