//go:build unix

package duckdb

import (
	"context"
	"database/sql"
	"testing"

	"github.com/yardstick-open/yardstick/schemas"
	"github.com/yardstick-open/yardstick/schemas/config"
)

// similarRankWindow is the peer of the sweep: the window comparisons.sql
// ranked rows with before similar_rank.go, every row joined to each set
// that holds its council and ranked within each set and group, the rank
// in its own council's set kept. It reads the same groups as
// similar_rank_rows.sql (of at least $min_rows rows with a value), so the
// two rank the same rows.
const similarRankWindow = `
INSERT INTO similar_ranks_window
WITH similar_sets AS (
    SELECT dense_rank() OVER (ORDER BY owner) AS owner_id, responsibility, member, owner = member AS own
    FROM (SELECT council_code AS owner, responsibility, similar_code AS member FROM similar_councils
          UNION
          SELECT council_code, responsibility, council_code FROM similar_councils)
),
scores AS (
    SELECT r.rowid AS rid, r.council_code, sv.responsibility,
           CASE WHEN r.polarity = 'lower_is_better' THEN r.value ELSE -r.value END AS score,
           dense_rank() OVER (ORDER BY r.metric, r.period, r.service, r.level) AS gid
    FROM comparison_rows r
    JOIN benchmarks b USING (metric, period, service, level)
    LEFT JOIN service_responsibilities sv USING (service)
    WHERE r.value IS NOT NULL AND b.national_n >= $min_rows
      AND r.metric BETWEEN getvariable('compare_first') AND getvariable('compare_last')
)
SELECT r.rid,
       rank() OVER (PARTITION BY s.owner_id, r.gid ORDER BY r.score) AS similar_rank,
       count(*) OVER (PARTITION BY s.owner_id, r.gid) AS similar_n
FROM similar_sets s
JOIN scores r ON r.council_code = s.member AND r.responsibility = s.responsibility
QUALIFY s.own`

// similarRankInput returns a session on a new database (under
// YARDSTICK_BENCH_MEMORY, if set) holding what the similar-council ranks
// read, from a release (the one envBenchRelease names, or one built from
// benchFixture): its comparisons as comparison_rows (keys, level, value
// and polarity, in metric order as Build stores them), its benchmarks and
// similar councils, and the built-in catalogue's service_responsibilities.
// The session and database close when b ends.
func similarRankInput(b *testing.B) *session {
	b.Helper()
	ctx := context.Background()
	db, path := benchReleaseDB(b)
	s := testSession(b, db)
	cat, err := config.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	if err := s.loadServiceResponsibilities(ctx, cat); err != nil {
		b.Fatal(err)
	}
	for _, q := range []string{
		"ATTACH " + quoteString(path) + " AS release (READ_ONLY)",
		`CREATE TABLE comparison_rows AS
		 SELECT c.metric, c.period, c.service, c.council_code, c.provider_id,
		        CASE WHEN c.provider_id = '' THEN 'council' ELSE 'provider' END AS level, c.value, m.polarity
		 FROM release.comparisons c JOIN release.metrics m ON m.id = c.metric
		 ORDER BY c.metric`,
		"CREATE TABLE benchmarks AS FROM release.benchmarks",
		"CREATE TABLE similar_councils AS FROM release.similar_councils",
		"DETACH release",
	} {
		if _, err := s.conn.ExecContext(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	return s
}

// BenchmarkSimilarRanks times the similar-council ranks of every
// comparison a metric at a time, as Build makes them in batches of
// metrics: the sweep of each group in score order ("sweep",
// session.similarRanks) against its peer, the window comparisons.sql ran
// before ("window", similarRankWindow). When both run, it fails unless
// the two give every row the same similar_rank and similar_n. With
// YARDSTICK_BENCH_MEMORY, DuckDB runs under that limit.
//
//	YARDSTICK_BENCH_RELEASE=<release>/yardstick.duckdb YARDSTICK_BENCH_MEMORY=3GB \
//	  go test ./publish/duckdb -run '^$' -bench SimilarRanks -benchtime 1x -count 3
func BenchmarkSimilarRanks(b *testing.B) {
	ctx := context.Background()
	s := similarRankInput(b)
	minRows := sql.Named("min_rows", schemas.MinGroupRows)
	var metrics []string
	for _, r := range queryText(b, s.conn, "SELECT DISTINCT metric FROM comparison_rows ORDER BY metric") {
		metrics = append(metrics, r[0])
	}
	exec := func(b *testing.B, q string, args ...any) {
		if _, err := s.conn.ExecContext(ctx, q, args...); err != nil {
			b.Fatal(err)
		}
	}
	setBatch := func(b *testing.B, m string) {
		if err := s.setBatch(ctx, metricBatch{first: m, last: m}); err != nil {
			b.Fatal(err)
		}
	}
	// sweep keeps each metric's ranks, which similarRanks makes anew for
	// each batch, in similar_ranks_sweep.
	sweep := func(b *testing.B) {
		exec(b, "CREATE OR REPLACE TABLE similar_ranks_sweep (rid BIGINT, similar_rank BIGINT, similar_n BIGINT)")
		sets, err := s.loadSimilarSets(ctx)
		if err != nil {
			b.Fatal(err)
		}
		for _, m := range metrics {
			setBatch(b, m)
			if err := s.similarRanks(ctx, sets, 0, minRows); err != nil {
				b.Fatal(err)
			}
			exec(b, "INSERT INTO similar_ranks_sweep FROM similar_ranks")
		}
		if err := s.exec(ctx, "similar_rank_drop"); err != nil {
			b.Fatal(err)
		}
	}
	window := func(b *testing.B) {
		exec(b, "CREATE OR REPLACE TABLE similar_ranks_window (rid BIGINT, similar_rank BIGINT, similar_n BIGINT)")
		for _, m := range metrics {
			setBatch(b, m)
			exec(b, similarRankWindow, minRows)
		}
	}
	if !runPeers(b, nil, benchRun{"sweep", sweep}, benchRun{"window", window}) {
		return
	}
	// Each side must give a row once: the join alone would not see a row
	// given twice with the same rank.
	var rows, differ, twiceWindow, twiceSweep int64
	if err := s.conn.QueryRowContext(ctx, `
		SELECT count(*), count(*) FILTER (WHERE (w.similar_rank, w.similar_n) IS DISTINCT FROM (g.similar_rank, g.similar_n)),
		       (SELECT count(*) - count(DISTINCT rid) FROM similar_ranks_window),
		       (SELECT count(*) - count(DISTINCT rid) FROM similar_ranks_sweep)
		FROM similar_ranks_window w FULL JOIN similar_ranks_sweep g USING (rid)`).Scan(&rows, &differ, &twiceWindow, &twiceSweep); err != nil {
		b.Fatal(err)
	}
	if rows == 0 || differ > 0 || twiceWindow > 0 || twiceSweep > 0 {
		b.Fatalf("%d of %d rows differ between the sweep and the window; rows given more than once: window %d, sweep %d",
			differ, rows, twiceWindow, twiceSweep)
	}
}
