package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"testing"
)

// fullRoundPicks runs one round of secondary suppression and one of
// linked suppression over every group and every hidden cell, as the first
// round does, on the observations as they are, and returns how many cells
// each would pick. After suppression both must be 0: a group the rounds,
// each reading only what changed since the last, had missed would still
// have a single hidden member, and a sister they had missed would still
// show a shared count.
func fullRoundPicks(ctx context.Context, conn *sql.Conn) (secondary, linked int, err error) {
	s := &session{conn: conn}
	if err := s.exec(ctx, "suppress_steps"); err != nil {
		return 0, 0, err
	}
	defer s.exec(ctx, "suppress_steps_drop")
	for i, q := range []string{"suppress_secondary", "suppress_linked"} {
		var args []any
		if q == "suppress_secondary" {
			args = append(args, sql.Named("protect", []string{}))
		}
		if err := s.round(ctx, q, i+1, 0, args...); err != nil {
			return 0, 0, err
		}
	}
	err = conn.QueryRowContext(ctx,
		"SELECT count(*) FILTER (WHERE step = 1), count(*) FILTER (WHERE step = 2) FROM suppress_steps").Scan(&secondary, &linked)
	return secondary, linked, err
}

// TestIncrementalRounds checks, on a case worked by hand, that each round
// of secondary and linked suppression, which reads only the groups and
// hidden figures that changed since the last round of its kind, still
// finds the groups a pick of another group leaves with one hidden member,
// and the sisters of a figure hidden by a later round.
//
// complaints-upheld (a rate, small_counts) in council A, counts as
// numerator/denominator:
//
//	          Q1        Q2        Q3         Q4         year
//	P1        2/500     10/900    10/1000    10/1000    32/3400
//	P2        10/900    10/900    10/1000    10/1000    40/3800
//	P3        10/1000   10/1000   10/1000    10/1000    40/4000
//	council   22/2400   30/2800   30/3000    30/3000    112/11200
//
// and safeguarding-concerns, which shares complaints' denominator (people
// served), for P2 in Q2 alone: 20/900.
//
// P1/Q1 is small and hidden first. Round 1: in Q1 over the providers, the
// part with a count and the smallest denominator is P2/Q1 (900); in P1's
// year over its quarters, P1/Q2 (900). Round 2 reads the groups those
// two belong to: P2's year now has one hidden member (P2/Q1) and picks
// P2/Q2 (900), and Q2 over the providers has one (P1/Q2) and picks P2/Q2
// too. The linked round after it hides safeguarding's P2/Q2, the sister
// of complaints' P2/Q2, a figure hidden since the last linked round; the
// next linked round, reading only that sister, hides complaints' P2
// year, which overlaps it. Round 4 reads the groups of P2's year: the
// year over the providers now has one hidden member and picks P1's year
// (3,400 before P3's 4,000). Then every group has 0 or at least 2 hidden
// members. P1/Q1's count can still be anything from 0 to 12 (Q1 less P3
// gives 12 for P1 and P2, Q2 less P3 20 for theirs, each year less its
// quarters shown the same again) and its denominator from 0 to 1,400,
// wider than the safety interval, so the audit asks for nothing more.
func TestIncrementalRounds(t *testing.T) {
	t.Parallel()
	const metric = "complaints-upheld"
	quarters := []string{dq1, dq2, dq3, dq4}
	grid := map[string][5][2]int64{
		"P1": {{2, 500}, {10, 900}, {10, 1000}, {10, 1000}, {32, 3400}},
		"P2": {{10, 900}, {10, 900}, {10, 1000}, {10, 1000}, {40, 3800}},
		"P3": {{10, 1000}, {10, 1000}, {10, 1000}, {10, 1000}, {40, 4000}},
		"":   {{22, 2400}, {30, 2800}, {30, 3000}, {30, 3000}, {112, 11200}},
	}
	var rows []obs
	for p, cells := range grid {
		for i, c := range cells {
			period := dfy
			if i < 4 {
				period = quarters[i]
			}
			rows = append(rows, obs{Provider: p, Service: svcCare, Metric: metric, Period: period, Num: i64(c[0]), Den: i64(c[1])})
		}
	}
	rows = append(rows, obs{Provider: "P2", Service: svcCare, Metric: mSafeguarding, Period: dq2, Num: i64(20), Den: i64(900)})
	var full [2]int
	var fullErr error
	cat := disclosureCatalogue(t)
	db := openTest(t)
	in := BuildInput{DataDir: writeDataDir(t, sub{ID: "rounds", Council: cA, Received: day("2025-04-10"), Rows: rows}),
		Catalogue: cat, Councils: fixtureCouncils(t), Neighbours: 2,
		afterSuppress: func(ctx context.Context, conn *sql.Conn) error {
			full[0], full[1], fullErr = fullRoundPicks(ctx, conn)
			return nil
		}}
	if err := db.Build(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	if fullErr != nil {
		t.Fatal(fullErr)
	}
	if full != [2]int{0, 0} {
		t.Errorf("after suppression a full round would hide %d cells and a full linked round %d, want none", full[0], full[1])
	}
	var got []string
	for k, c := range publishedCells(t, db, cat, "observations") {
		if c.Status == "c" {
			got = append(got, fmt.Sprintf("%s %s %s", k.Metric, k.Provider, k.Period))
		}
	}
	slices.Sort(got)
	want := []string{
		metric + " P1 " + dq1, metric + " P1 " + dq2, metric + " P2 " + dq1, metric + " P2 " + dq2,
		mSafeguarding + " P2 " + dq2, metric + " P2 " + dfy, metric + " P1 " + dfy,
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("hidden %v, want %v", got, want)
	}
}

// TestRoundsReachAFixedPoint checks, on the disclosure fixture and the
// chain of TestSuppressionBreaksChains' kind, that once suppression is
// done a round over every group and every hidden figure would hide
// nothing more: the rounds that read only what changed missed nothing.
func TestRoundsReachAFixedPoint(t *testing.T) {
	t.Parallel()
	var full [2]int
	var fullErr error
	in := BuildInput{DataDir: writeDataDir(t, disclosureSubs()...), Catalogue: disclosureCatalogue(t),
		Councils: fixtureCouncils(t), Neighbours: 2,
		afterSuppress: func(ctx context.Context, conn *sql.Conn) error {
			full[0], full[1], fullErr = fullRoundPicks(ctx, conn)
			return nil
		}}
	if err := openTest(t).Build(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	if fullErr != nil {
		t.Fatal(fullErr)
	}
	if full != [2]int{0, 0} {
		t.Errorf("after suppression a full round would hide %d cells and a full linked round %d, want none", full[0], full[1])
	}
}
