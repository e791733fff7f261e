package duckdb

import (
	"reflect"
	"testing"
)

// TestAuditReadsValueOnlyGroups checks that the interval audit reads a
// linked group with no hidden member when a published member of it leaves
// a count out, since that group can pin the count, and through it a
// hidden cell of another group. Council A's care-home falls, worked by
// hand: in Q1 the council's total is 40 of 4,000 bed days, P2 shows 20 of
// 2,000 and P7 shows its rate and 2,000 bed days but not its falls, which
// the total less P2 gives as 40 - 20 = 20. P7's year is 48 of 8,000, its
// Q2 and Q3 2 each (small, hidden for themselves) and Q4 24: Q2 + Q3 =
// 48 - 20 - 24 = 4, so each is held between 0 and 4, narrower than the
// safety interval, unless a further cell of one of the two groups is
// hidden. The Q1 group has no hidden member of its own.
func TestAuditReadsValueOnlyGroups(t *testing.T) {
	t.Parallel()
	cat := disclosureCatalogue(t)
	falls := func(provider, period string, x, n int64) obs {
		return obs{Provider: provider, Service: svcCare, Metric: mFalls, Period: period, Num: i64(x), Den: i64(n)}
	}
	db := buildFrom(t, cat, []sub{{ID: "v1", Council: cA, Received: day("2025-04-10"), Rows: []obs{
		falls("", dq1, 40, 4000),
		{Provider: "P7", Service: svcCare, Metric: mFalls, Period: dq1, Den: i64(2000), Value: f64(10)},
		falls("P2", dq1, 20, 2000),
		falls("P7", dfy, 48, 8000),
		falls("P7", dq2, 2, 2000), falls("P7", dq3, 2, 2000), falls("P7", dq4, 24, 2000),
	}}})
	hidden := hiddenCells(publishedCells(t, db, cat, "observations"))
	primaries := []cellKey{{cA, "P7", svcCare, mFalls, dq2}, {cA, "P7", svcCare, mFalls, dq3}}
	if reflect.DeepEqual(hidden, primaries) {
		t.Errorf("hides only %v: Q1's total less P2 gives P7's Q1 falls (20), and P7's year less Q1 and Q4 holds Q2 + Q3 to 4", hidden)
	}
	for _, p := range primaries {
		found := false
		for _, h := range hidden {
			found = found || h == p
		}
		if !found {
			t.Errorf("%v shown, want it hidden for itself (2 falls)", p)
		}
	}
}
