//go:build unix

package duckdb

import (
	"context"
	"database/sql"
	"testing"
)

// similarRankCases holds the rows of TestSimilarRanksAgreeWithWindow:
// comparison_rows for two groups of home care (responsibility
// social_care) and one of a service with no responsibility, the groups'
// benchmarks, and similar-council lists in which A and B own sets, C owns
// none but is in both, D is in none, and B lists itself.
const similarRankCases = `
CREATE TABLE comparison_rows (
    metric VARCHAR, period VARCHAR, service VARCHAR, council_code VARCHAR, level VARCHAR,
    value DOUBLE, polarity VARCHAR
);
INSERT INTO comparison_rows VALUES
    -- Group 1, higher is better: ties within and across councils, a row
    -- without a value, zero and minus zero, which tie.
    ('m1', 'p1', 'homecare', 'A', 'provider', 90.0, 'higher_is_better'),
    ('m1', 'p1', 'homecare', 'A', 'provider', 80.0, 'higher_is_better'),
    ('m1', 'p1', 'homecare', 'B', 'provider', 90.0, 'higher_is_better'),
    ('m1', 'p1', 'homecare', 'B', 'provider', NULL, 'higher_is_better'),
    ('m1', 'p1', 'homecare', 'C', 'provider', 95.0, 'higher_is_better'),
    ('m1', 'p1', 'homecare', 'B', 'provider', 0.0, 'higher_is_better'),
    ('m1', 'p1', 'homecare', 'B', 'provider', '-0.0'::DOUBLE, 'higher_is_better'),
    ('m1', 'p1', 'homecare', 'D', 'provider', 99.0, 'higher_is_better'),
    -- Group 2, lower is better, council-wide rows.
    ('m1', 'p1', 'homecare', 'A', 'council', 5.0, 'lower_is_better'),
    ('m1', 'p1', 'homecare', 'B', 'council', 3.0, 'lower_is_better'),
    ('m1', 'p1', 'homecare', 'C', 'council', 3.0, 'lower_is_better'),
    ('m1', 'p1', 'homecare', 'D', 'council', 1.0, 'lower_is_better'),
    ('m1', 'p1', 'homecare', 'B', 'council', 7.0, 'lower_is_better'),
    -- Group 3: a service no responsibility is given for.
    ('m1', 'p1', 'odd', 'A', 'provider', 1.0, 'higher_is_better'),
    ('m1', 'p1', 'odd', 'B', 'provider', 2.0, 'higher_is_better'),
    ('m1', 'p1', 'odd', 'C', 'provider', 3.0, 'higher_is_better'),
    ('m1', 'p1', 'odd', 'D', 'provider', 4.0, 'higher_is_better'),
    ('m1', 'p1', 'odd', 'A', 'provider', 5.0, 'higher_is_better'),
    -- Group 4: too few rows with a value to rank.
    ('m1', 'p2', 'homecare', 'A', 'provider', 1.0, 'higher_is_better'),
    ('m1', 'p2', 'homecare', 'B', 'provider', 2.0, 'higher_is_better');
CREATE TABLE benchmarks AS
SELECT metric, period, service, level, count(value) AS national_n
FROM comparison_rows GROUP BY ALL;
CREATE TABLE similar_councils AS
SELECT * FROM (VALUES
    ('A', 'social_care', 'C'), ('A', 'social_care', 'D'),
    ('B', 'social_care', 'C'), ('B', 'social_care', 'B'), ('B', 'social_care', 'A')
) t(council_code, responsibility, similar_code);
CREATE TABLE service_responsibilities AS
SELECT * FROM (VALUES ('homecare', 'social_care')) t(service, responsibility);
SET VARIABLE compare_first = 'm1';
SET VARIABLE compare_last = 'm1';
CREATE TABLE similar_ranks_window (rid BIGINT, similar_rank BIGINT, similar_n BIGINT)`

// TestSimilarRanksAgreeWithWindow checks the sweep (session.similarRanks)
// against the window comparisons.sql ranked with before
// (similarRankWindow), on rows that hold each case the window decides:
// ties, zero against minus zero, rows without a value, a council that
// owns no set but is in others', a council in no set, a council that
// lists itself, a service without a responsibility and a group too small
// to rank. The window's own ranks of group 1 are worked out by hand
// below, so a fault shared by both would show.
func TestSimilarRanksAgreeWithWindow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := testSession(t, openTest(t))
	if _, err := s.conn.ExecContext(ctx, similarRankCases); err != nil {
		t.Fatal(err)
	}
	minRows := sql.Named("min_rows", int64(3))
	sets, err := s.loadSimilarSets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.similarRanks(ctx, sets, 0, minRows); err != nil {
		t.Fatal(err)
	}
	if _, err := s.conn.ExecContext(ctx, similarRankWindow, minRows); err != nil {
		t.Fatal(err)
	}
	got := queryText(t, s.conn, `
		SELECT r.council_code, r.level, r.service, r.value::VARCHAR, g.similar_rank, g.similar_n,
		       (w.similar_rank, w.similar_n) IS NOT DISTINCT FROM (g.similar_rank, g.similar_n)
		FROM comparison_rows r
		LEFT JOIN similar_ranks g ON g.rid = r.rowid
		LEFT JOIN similar_ranks_window w ON w.rid = r.rowid
		ORDER BY r.rowid`)
	// Group 1, A's set is A, C and D: 99, 95, 90, 80, so A's 90 is third
	// of four and its 80 fourth. B's set is A, B and C: 95, 90 (A), 90
	// (B), 80, 0.0 and -0.0 (both B's) of six; B's 90 ties A's for second,
	// and its zero and minus zero tie for fifth. C and D own no set.
	// Group 2, lower is better: A's set A, C, D gives D 1, C 3, A 5; B's
	// set A, B, C gives B 3 and C 3 tied first, A 5 third, B 7 fourth.
	want := [][]string{
		{"A", "provider", "homecare", "90.0", "3", "4", "true"},
		{"A", "provider", "homecare", "80.0", "4", "4", "true"},
		{"B", "provider", "homecare", "90.0", "2", "6", "true"},
		{"B", "provider", "homecare", "<nil>", "<nil>", "<nil>", "true"},
		{"C", "provider", "homecare", "95.0", "<nil>", "<nil>", "true"},
		{"B", "provider", "homecare", "0.0", "5", "6", "true"},
		{"B", "provider", "homecare", "-0.0", "5", "6", "true"},
		{"D", "provider", "homecare", "99.0", "<nil>", "<nil>", "true"},
		{"A", "council", "homecare", "5.0", "3", "3", "true"},
		{"B", "council", "homecare", "3.0", "1", "4", "true"},
		{"C", "council", "homecare", "3.0", "<nil>", "<nil>", "true"},
		{"D", "council", "homecare", "1.0", "<nil>", "<nil>", "true"},
		{"B", "council", "homecare", "7.0", "4", "4", "true"},
		{"A", "provider", "odd", "1.0", "<nil>", "<nil>", "true"},
		{"B", "provider", "odd", "2.0", "<nil>", "<nil>", "true"},
		{"C", "provider", "odd", "3.0", "<nil>", "<nil>", "true"},
		{"D", "provider", "odd", "4.0", "<nil>", "<nil>", "true"},
		{"A", "provider", "odd", "5.0", "<nil>", "<nil>", "true"},
		{"A", "provider", "homecare", "1.0", "<nil>", "<nil>", "true"},
		{"B", "provider", "homecare", "2.0", "<nil>", "<nil>", "true"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d: %v", len(got), len(want), got)
	}
	for i := range want {
		for j := range want[i] {
			if got[i][j] != want[i][j] {
				t.Errorf("row %d (council, level, service, value, rank, n, window agrees) = %v, want %v", i, got[i], want[i])
				break
			}
		}
	}
}
