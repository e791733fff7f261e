//go:build unix

package duckdb

import (
	"context"
	"database/sql"
	"strings"
	"testing"
)

// profileGroups returns provider_profile.sql's aggregate g, reading
// profile_input rather than comparison_rows, with n_councils counted by
// count rather than as the query counts it. It keeps the query's batch of
// metrics, compare_first to compare_last, which profileInput sets to
// every metric.
func profileGroups(b *testing.B, count string) string {
	b.Helper()
	q, err := lookup("provider_profile")
	if err != nil {
		b.Fatal(err)
	}
	const from, to, counted = "WITH g AS (\n", "\n),\nscored AS", "count(value) AS n_councils"
	i, j := strings.Index(q, from), strings.Index(q, to)
	if i < 0 || j < i {
		b.Fatalf("provider_profile.sql no longer begins its aggregate with %q and ends it with %q", from, to)
	}
	g := q[i+len(from) : j]
	for _, r := range [][2]string{{"FROM comparison_rows", "FROM profile_input"}, {counted, count + " AS n_councils"}} {
		if !strings.Contains(g, r[0]) {
			b.Fatalf("provider_profile.sql's aggregate no longer holds %q", r[0])
		}
		g = strings.Replace(g, r[0], r[1], 1)
	}
	return g
}

// profileInput returns a connection to a new database (under
// YARDSTICK_BENCH_MEMORY, if set) holding profile_input: a release's
// comparisons of a provider (the release envBenchRelease names, or one
// built from benchFixture), their counts standing for the counts
// compared, in metric order, as comparison_rows is stored, and the batch
// of metrics set to every metric, as comparison_rows.sql sets it. The
// connection and database close when b ends.
func profileInput(b *testing.B) *sql.Conn {
	b.Helper()
	ctx := context.Background()
	db, path := benchReleaseDB(b)
	conn, err := db.db.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { conn.Close() })
	// The aggregate takes its mean with the macro exact_mean.
	if err := (&session{conn: conn}).createMacros(ctx); err != nil {
		b.Fatal(err)
	}
	// Insertion order is kept while the rows are stored, so they are in
	// the ORDER BY's order, as Build stores comparison_rows
	// (session.keepingOrder), and then turned off as Build runs.
	keep, err := lookup("keep_insertion_order")
	if err != nil {
		b.Fatal(err)
	}
	restore, err := lookup("set_preserve_insertion_order")
	if err != nil {
		b.Fatal(err)
	}
	for _, q := range []string{
		"ATTACH " + quoteString(path) + " AS release (READ_ONLY)",
		keep,
		`CREATE TEMP TABLE profile_input AS
		 SELECT c.provider_id, c.metric, c.period, c.service, c.council_code, c.value,
		        c.numerator AS x, c.denominator AS n, 'provider' AS level, m.kind, m.polarity, m.multiplier
		 FROM release.comparisons c JOIN release.metrics m ON m.id = c.metric
		 WHERE c.provider_id <> ''
		 ORDER BY c.metric`,
		restore,
		`SET VARIABLE compare_first = (SELECT min(metric) FROM profile_input);
		 SET VARIABLE compare_last = (SELECT max(metric) FROM profile_input)`,
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	return conn
}

// BenchmarkProfileBatches times the provider profiles' aggregate (the g
// of provider_profile.sql, profileGroups) made a metric at a time
// ("by-metric": the query's own batch of metrics narrowed to each metric
// in turn, as session.profile makes the profiles in the comparisons'
// batches, which under a limit of a few GB hold one or two metrics each)
// against its peer, the same aggregate over
// every metric in one statement ("whole"), as Build made them before.
// When both run, it fails unless the two give the same groups with the
// same figures. With YARDSTICK_BENCH_MEMORY, DuckDB runs under that
// limit.
//
//	YARDSTICK_BENCH_RELEASE=<release>/yardstick.duckdb YARDSTICK_BENCH_MEMORY=3GB \
//	  go test ./publish/duckdb -run '^$' -bench ProfileBatches -benchtime 1x -count 3
func BenchmarkProfileBatches(b *testing.B) {
	ctx := context.Background()
	conn := profileInput(b)
	g := profileGroups(b, "count(value)")
	var metrics []string
	for _, r := range queryText(b, conn, "SELECT DISTINCT metric FROM profile_input ORDER BY metric") {
		metrics = append(metrics, r[0])
	}
	exec := func(b *testing.B, q string, args ...any) {
		if _, err := conn.ExecContext(ctx, q, args...); err != nil {
			b.Fatal(err)
		}
	}
	// setBatch narrows the query to the metrics first to last, as Build
	// does.
	setBatch := func(b *testing.B, first, last string) {
		if err := (&session{conn: conn}).setBatch(ctx, metricBatch{first: first, last: last}); err != nil {
			b.Fatal(err)
		}
	}
	// byMetric makes the table as session.profile does: empty from the
	// query's columns, then a metric's rows at a time.
	byMetric := func(b *testing.B) {
		exec(b, "CREATE OR REPLACE TEMP TABLE profile_counted_by_metric AS FROM ("+g+") LIMIT 0")
		for _, m := range metrics {
			setBatch(b, m, m)
			exec(b, "INSERT INTO profile_counted_by_metric "+g)
		}
	}
	whole := func(b *testing.B) {
		setBatch(b, metrics[0], metrics[len(metrics)-1])
		exec(b, "CREATE OR REPLACE TEMP TABLE profile_counted_whole AS "+g)
	}
	// Each runs with neither's table held, which under a memory limit
	// would leave the other less room.
	const drop = "DROP TABLE IF EXISTS profile_counted_whole; DROP TABLE IF EXISTS profile_counted_by_metric"
	if !runPeers(b, func(b *testing.B) { exec(b, drop) }, benchRun{"by-metric", byMetric}, benchRun{"whole", whole}) {
		return
	}
	// The last to run was "whole"; the aggregate by metric is made again,
	// untimed, to compare.
	byMetric(b)
	// The counts, the values as given, the quartiles and the mean (an
	// exact sum, exact_mean) must agree exactly; the spread to 1e-9 of its
	// size, since the order of its sum may differ.
	var groups, differ int64
	if err := conn.QueryRowContext(ctx, `
		SELECT count(*), count(*) FILTER (WHERE w.n_values IS NULL OR m.n_values IS NULL
		    OR (w.n_councils, w.n_values, w.x, w.n, w.councils_min, w.councils_quartiles, w.councils_max, w.mean_value)
		       IS DISTINCT FROM (m.n_councils, m.n_values, m.x, m.n, m.councils_min, m.councils_quartiles, m.councils_max, m.mean_value)
		    OR (w.councils_sd IS NULL) <> (m.councils_sd IS NULL)
		    OR abs(w.councils_sd - m.councils_sd) > 1e-9 * greatest(abs(w.councils_sd), 1))
		FROM profile_counted_whole w FULL JOIN profile_counted_by_metric m USING (provider_id, metric, period, service)`).Scan(&groups, &differ); err != nil {
		b.Fatal(err)
	}
	if groups == 0 || differ > 0 {
		b.Fatalf("%d of %d groups differ between the aggregate by metric and over every metric at once", differ, groups)
	}
}

// BenchmarkProfileCounts times the provider profiles' aggregate (the g
// of provider_profile.sql, profileGroups) over every metric at once, on
// profileInput's rows, counting councils as the query does, the rows with
// a value ("rows"), against its peer, the distinct count of councils with
// a value it replaced ("distinct"), which holds a set of councils for
// every group. When both run, it fails if the two
// counts differ in any group: a council gives a provider one row per
// metric, period and service, which is what lets the rows stand for the
// councils. With YARDSTICK_BENCH_MEMORY, DuckDB runs under that limit.
//
//	YARDSTICK_BENCH_RELEASE=<release>/yardstick.duckdb YARDSTICK_BENCH_MEMORY=3GB \
//	  go test ./publish/duckdb -run '^$' -bench ProfileCounts -benchtime 3x -count 3
func BenchmarkProfileCounts(b *testing.B) {
	ctx := context.Background()
	conn := profileInput(b)
	// ran holds the counts whose table exists: -bench may choose one.
	ran := map[string]bool{}
	for _, bc := range []struct{ name, count string }{
		{"rows", "count(value)"},
		{"distinct", "count(DISTINCT council_code) FILTER (WHERE value IS NOT NULL)"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			q := "CREATE OR REPLACE TEMP TABLE profile_counted_" + bc.name + " AS " + profileGroups(b, bc.count)
			for b.Loop() {
				if _, err := conn.ExecContext(ctx, q); err != nil {
					b.Fatal(err)
				}
			}
			ran[bc.name] = true
		})
	}
	if len(ran) < 2 {
		return
	}
	var groups, differ int64
	if err := conn.QueryRowContext(ctx, `
		SELECT count(*), count(*) FILTER (WHERE r.n_councils IS DISTINCT FROM d.n_councils)
		FROM profile_counted_rows r FULL JOIN profile_counted_distinct d USING (provider_id, metric, period, service)`).Scan(&groups, &differ); err != nil {
		b.Fatal(err)
	}
	if differ > 0 {
		b.Fatalf("%d of %d groups count their councils differently by rows and by distinct councils", differ, groups)
	}
}
