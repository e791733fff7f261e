//go:build unix

package duckdb

import (
	"context"
	"strings"
	"testing"
)

// profileGroups returns provider_profile.sql's aggregate g as a statement
// that writes it to the temporary table profile_counted_<name>, reading
// profile_input rather than comparison_rows, with n_councils counted by
// count rather than as the query counts it.
func profileGroups(b *testing.B, name, count string) string {
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
	// The aggregate over every metric at once, without the batch of
	// metrics Build narrows it to.
	const batch = " AND metric BETWEEN getvariable('compare_first') AND getvariable('compare_last')"
	for _, r := range [][2]string{{"FROM comparison_rows", "FROM profile_input"}, {counted, count + " AS n_councils"}, {batch, ""}} {
		if !strings.Contains(g, r[0]) {
			b.Fatalf("provider_profile.sql's aggregate no longer holds %q", r[0])
		}
		g = strings.Replace(g, r[0], r[1], 1)
	}
	return "CREATE OR REPLACE TEMP TABLE profile_counted_" + name + " AS " + g
}

// BenchmarkProfileCounts times the provider profiles' aggregate (the g
// of provider_profile.sql, profileGroups) over a release's provider rows
// (the release envBenchRelease names, or one built from benchFixture),
// counting councils as the query does, the rows with a value ("rows"),
// against its peer, the distinct count of councils with a value it
// replaced ("distinct"), which holds a set of councils for every group.
// The rows are the release's comparisons of a provider, their counts
// standing for the counts compared. When both run, it fails if the two
// counts differ in any group: a council gives a provider one row per
// metric, period and service, which is what lets the rows stand for the
// councils. With YARDSTICK_BENCH_MEMORY, DuckDB runs under that limit.
//
//	YARDSTICK_BENCH_RELEASE=<release>/yardstick.duckdb YARDSTICK_BENCH_MEMORY=3GB \
//	  go test ./publish/duckdb -run '^$' -bench ProfileCounts -benchtime 3x -count 3
func BenchmarkProfileCounts(b *testing.B) {
	ctx := context.Background()
	path := benchRelease(b)
	opts := benchOptions(b)
	db, err := Open(ctx, "", opts)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	conn, err := db.db.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	for _, q := range []string{
		"ATTACH " + quoteString(path) + " AS release (READ_ONLY)",
		`CREATE TEMP TABLE profile_input AS
		 SELECT c.provider_id, c.metric, c.period, c.service, c.council_code, c.value,
		        c.numerator AS x, c.denominator AS n, 'provider' AS level, m.kind, m.polarity, m.multiplier
		 FROM release.comparisons c JOIN release.metrics m ON m.id = c.metric
		 WHERE c.provider_id <> ''`,
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	// ran holds the counts whose table exists: -bench may choose one.
	ran := map[string]bool{}
	for _, bc := range []struct{ name, count string }{
		{"rows", "count(value)"},
		{"distinct", "count(DISTINCT council_code) FILTER (WHERE value IS NOT NULL)"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			q := profileGroups(b, bc.name, bc.count)
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
