package duckdb

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/yardstick-open/yardstick/schemas"
)

// historyOutputOneSort is the statement history_output.sql replaced: the
// five parts of the history unioned, each distinct, and sorted by one
// ORDER BY over all sixteen columns, reading the release's own figures
// from the tables history_current.sql and history_derive.sql copy them
// into. TestHistoryOutput holds the history Build writes to it.
const historyOutputOneSort = `
CREATE OR REPLACE TEMP TABLE history_one_sort AS
WITH releases AS (
    SELECT release, release_sha256, sig_set FROM history_releases
    UNION
    SELECT d.release, CASE WHEN d.release = '' THEN NULL ELSE '' END, s.sig_set
    FROM derived_releases d
    LEFT JOIN derived_sets s USING (release)
    UNION
    SELECT '', NULL, (SELECT sig_set FROM derived_sets WHERE release = '')
),
sets AS (
    SELECT sig_set, sig FROM history_sets UNION SELECT sig_set, sig FROM derived_set_sigs
),
shown AS (
    SELECT * FROM history_shown UNION SELECT * FROM derived_shown
),
hidden AS (
    SELECT * FROM history_hidden UNION SELECT * FROM derived_hidden
),
members AS (
    SELECT * FROM history_members
    UNION
    SELECT sig, link, council_code, group_provider, service, metric, group_period, provider_id, period,
           is_total, hidden, x, n
    FROM derived_members
)
SELECT part, release, release_sha256, sig_set, sig, link, council_code, group_provider, service, metric,
       group_period, provider_id, period, is_total, hidden, numerator, denominator, value, x, n
FROM (
    SELECT 'release' AS part, release, release_sha256, sig_set, NULL::VARCHAR AS sig, NULL::VARCHAR AS link,
           NULL::VARCHAR AS council_code, NULL::VARCHAR AS group_provider, NULL::VARCHAR AS service,
           NULL::VARCHAR AS metric, NULL::VARCHAR AS group_period, NULL::VARCHAR AS provider_id,
           NULL::VARCHAR AS period, NULL::BOOLEAN AS is_total, NULL::BOOLEAN AS hidden, NULL::BIGINT AS numerator,
           NULL::BIGINT AS denominator, NULL::DOUBLE AS value, NULL::DOUBLE AS x, NULL::DOUBLE AS n
    FROM releases
    UNION ALL
    SELECT 'set', NULL, NULL, sig_set, sig, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
           NULL, NULL, NULL, NULL, NULL, NULL, NULL
    FROM sets
    UNION ALL
    SELECT 'shown', NULL, NULL, NULL, NULL, NULL, council_code, NULL, service, metric, NULL, provider_id, period,
           NULL, false, numerator, denominator, value, NULL, NULL
    FROM shown
    UNION ALL
    SELECT 'hidden', NULL, NULL, NULL, NULL, NULL, council_code, NULL, service, metric, NULL, provider_id, period,
           NULL, true, NULL, NULL, NULL, NULL, NULL
    FROM hidden
    UNION ALL
    SELECT 'member', NULL, NULL, NULL, sig, link, council_code, group_provider, service, metric, group_period,
           provider_id, period, is_total, hidden, NULL, NULL, NULL, x, n
    FROM members
)`

// TestHistoryOutput checks the disclosure history each release of the
// disclosure fixture writes against historyOutputOneSort, worked out
// again from what the earlier releases published (loadHistory) and the
// release's observations as Build left them, in a session of its own:
// the file holds the same rows, each as often, and they are in the order
// history_output.sql documents (part descending, then every column that
// tells two rows apart). Release 1 is the fixture; release 2 follows
// council A's resubmission of Q1 with P3 and the council-wide total
// changed, so the history read and the release's own figures overlap and
// differ, and its linked group is published with other figures; release 3
// publishes release 2's figures again.
func TestHistoryOutput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cat := disclosureCatalogue(t)
	root := writeDataDir(t, disclosureSubs()...)
	layout := schemas.Layout{Root: root}
	release := func(id string) map[string]int64 {
		t.Helper()
		db := openTest(t)
		if err := db.Build(ctx, BuildInput{DataDir: root, Catalogue: cat, Councils: fixtureCouncils(t), Neighbours: 2}); err != nil {
			t.Fatalf("release %s: %v", id, err)
		}
		s, err := db.session(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer s.close()
		if _, err := s.loadHistory(ctx, layout); err != nil {
			t.Fatalf("release %s: %v", id, err)
		}
		if err := s.linksForCheck(ctx); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"history_current", "history_derive"} {
			if err := s.exec(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		if err := s.deriveLinks(ctx); err != nil {
			t.Fatal(err)
		}
		if err := s.exec(ctx, "history_derive_sets"); err != nil {
			t.Fatalf("history_derive_sets: %v", err)
		}
		if _, err := s.conn.ExecContext(ctx, historyOutputOneSort); err != nil {
			t.Fatal(err)
		}
		dir := layout.Release(id)
		obsPath := filepath.Join(dir, filepath.FromSlash(schemas.ObservationsParquet))
		if err := os.MkdirAll(filepath.Dir(obsPath), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := db.ExportParquet(ctx, "observations", obsPath); err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(dir, filepath.FromSlash(schemas.DisclosureHistoryParquet))
		if err := db.WriteHistory(ctx, file); err != nil {
			t.Fatal(err)
		}
		var rows, missing, extra, misplaced int64
		err = s.conn.QueryRowContext(ctx, `
			WITH f AS (SELECT * FROM read_parquet($file::VARCHAR, file_row_number = true))
			SELECT (SELECT count(*) FROM f),
			       (SELECT count(*) FROM (FROM history_one_sort EXCEPT ALL SELECT * EXCLUDE (file_row_number) FROM f)),
			       (SELECT count(*) FROM (SELECT * EXCLUDE (file_row_number) FROM f EXCEPT ALL FROM history_one_sort)),
			       (SELECT count(*) FROM (
			           SELECT file_row_number, row_number() OVER (
			               ORDER BY part DESC, release, release_sha256, sig_set, sig, council_code, service, metric,
			                        provider_id, period, is_total, numerator, denominator, value, x, n) - 1 AS want
			           FROM f)
			        WHERE file_row_number <> want)`,
			sql.Named("file", file)).Scan(&rows, &missing, &extra, &misplaced)
		if err != nil {
			t.Fatal(err)
		}
		if missing != 0 || extra != 0 {
			t.Errorf("release %s: the history file lacks %d rows of the one-sort history and has %d it has not (of %d)",
				id, missing, extra, rows)
		}
		if misplaced != 0 {
			t.Errorf("release %s: %d of the history file's %d rows are out of order", id, misplaced, rows)
		}
		return readHistoryParts(t, root, id)
	}
	first := release("r1")
	for _, part := range []string{"release", "set", "shown", "hidden", "member"} {
		if first[part] == 0 {
			t.Fatalf("release 1's history has no part %q (%v): the fixture no longer tests it", part, first)
		}
	}
	c := func(provider string, num, den int64) obs {
		return obs{Provider: provider, Name: "Provider " + provider, Service: svcCare, Metric: mFalls, Period: dq1,
			Num: i64(num), Den: i64(den)}
	}
	addSubmissions(t, root, sub{ID: "da2", Council: cA, Received: day("2025-05-10"), Rows: []obs{
		c("", 32, 9000), c("P1", 3, 2000), c("P2", 12, 3000), c("P3", 17, 4000),
	}})
	second := release("r2")
	if second["release"] != 2 || second["shown"] <= first["shown"] {
		t.Errorf("release 2's history has parts %v after release 1's %v: want 2 releases and more figures shown", second, first)
	}
	third := release("r3")
	if third["release"] != 3 || third["shown"] != second["shown"] || third["member"] != second["member"] {
		t.Errorf("release 3's history has parts %v after release 2's %v: want one more release and nothing else new",
			third, second)
	}
}
