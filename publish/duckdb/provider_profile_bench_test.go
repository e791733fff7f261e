//go:build unix

package duckdb

import (
	"context"
	"fmt"
	"testing"
)

// profileGroups is the aggregate provider_profile.sql groups a provider's
// rows by (its CTE g), over profile_input, writing profile_counted_<name> and
// counting councils with nCouncils.
const profileGroups = `CREATE OR REPLACE TEMP TABLE profile_counted_%s AS
SELECT provider_id, metric, period, service,
       %s AS n_councils,
       count(value) AS n_values,
       sum(x)::BIGINT AS x, sum(n)::BIGINT AS n,
       avg(value) AS mean_value,
       min(value) AS councils_min,
       quantile_cont(value, [0.25, 0.5, 0.75]) AS councils_quartiles,
       max(value) AS councils_max,
       stddev_samp(value) AS councils_sd
FROM profile_input
GROUP BY provider_id, metric, period, service`

// BenchmarkProfileCounts times the provider profiles' aggregate over a
// release's provider rows (the release envBenchRelease names, or one
// built from benchFixture) counting councils as provider_profile.sql does,
// the rows with a value ("rows"), against its peer, the distinct count of
// councils with a value it replaced ("distinct"), which holds a set of
// councils for every group. The rows are the release's comparisons of a
// provider, their counts standing for the counts compared. It fails if the
// two counts differ in any group: a council gives a provider one row per
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
		 SELECT provider_id, metric, period, service, council_code, value, numerator AS x, denominator AS n
		 FROM release.comparisons WHERE provider_id <> ''`,
		"CHECKPOINT temp",
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	for _, bc := range []struct{ name, count string }{
		{"rows", "count(value)"},
		{"distinct", "count(DISTINCT council_code) FILTER (WHERE value IS NOT NULL)"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			q := fmt.Sprintf(profileGroups, bc.name, bc.count)
			for b.Loop() {
				if _, err := conn.ExecContext(ctx, q); err != nil {
					b.Fatal(err)
				}
			}
		})
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
