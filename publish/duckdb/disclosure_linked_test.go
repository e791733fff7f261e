package duckdb

import (
	"context"
	"database/sql"
	"errors"
	"reflect"
	"testing"
)

// Metrics of the built-in catalogue that share occupied bed days with
// ch-falls (denominator_count, or for occupancy numerator_count).
const (
	mUlcers     = "ch-pressure-ulcers"
	mAdmissions = "ch-hospital-admissions"
	mOccupancy  = "ch-occupancy" // proportion in percent: occupied over available bed days
	mComplaints = "complaints-upheld"
)

// careRow is a care-home figure of council A for Q1 with its counts.
func careRow(metric, provider string, num, den int64) obs {
	return obs{Provider: provider, Service: svcCare, Metric: metric, Period: dq1, Num: i64(num), Den: i64(den)}
}

// TestLinkedMetrics checks that figures sharing a count are protected
// together, worked by hand on council A's care homes in Q1:
//
//   - a hidden figure hides its sisters: P1's falls are 3 over 2,000
//     occupied bed days (small). Its pressure ulcers (10/2000), hospital
//     admissions (8/2000) and occupancy (2,000 of 2,500 available bed
//     days) each give the 2,000 bed days back, so all three are hidden;
//     its complaints (10 per 50 people served) share nothing with falls
//     and are shown, and so is every figure of P2, which is not small.
//   - through a group: with council-wide totals (falls 15/5000, pressure
//     ulcers 25/5000) and P2's figures (12/3000, 15/3000), P1's falls are
//     hidden and P2's with them (the total less P2 would give P1 back).
//     P1's pressure ulcers are hidden as P1's sister, which leaves the
//     pressure-ulcer group with one hidden member, so P2's pressure
//     ulcers go too; the totals stay. Had P1's pressure ulcers been
//     shown, the falls total's 5,000 bed days less P1's 2,000 would give
//     P2's 3,000 and P1's own 2,000 exactly.
func TestLinkedMetrics(t *testing.T) {
	t.Parallel()
	tests := []struct {
		Name string
		Rows []obs
		Want []cellKey
	}{
		{"a hidden figure hides its sisters", []obs{
			careRow(mFalls, "P1", 3, 2000), careRow(mUlcers, "P1", 10, 2000), careRow(mAdmissions, "P1", 8, 2000),
			careRow(mOccupancy, "P1", 2000, 2500), careRow(mComplaints, "P1", 10, 50),
			careRow(mFalls, "P2", 12, 3000), careRow(mUlcers, "P2", 15, 3000), careRow(mAdmissions, "P2", 9, 3000),
			careRow(mOccupancy, "P2", 3000, 3500),
		}, []cellKey{{cA, "P1", svcCare, mFalls, dq1}, {cA, "P1", svcCare, mAdmissions, dq1},
			{cA, "P1", svcCare, mOccupancy, dq1}, {cA, "P1", svcCare, mUlcers, dq1}}},
		{"through a group", []obs{
			careRow(mFalls, "", 15, 5000), careRow(mFalls, "P1", 3, 2000), careRow(mFalls, "P2", 12, 3000),
			careRow(mUlcers, "", 25, 5000), careRow(mUlcers, "P1", 10, 2000), careRow(mUlcers, "P2", 15, 3000),
		}, []cellKey{{cA, "P1", svcCare, mFalls, dq1}, {cA, "P1", svcCare, mUlcers, dq1},
			{cA, "P2", svcCare, mFalls, dq1}, {cA, "P2", svcCare, mUlcers, dq1}}},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			t.Parallel()
			cat := disclosureCatalogue(t)
			db := buildFrom(t, cat, []sub{{ID: "k1", Council: cA, Received: day("2025-04-10"), Rows: tt.Rows}})
			if got := hiddenCells(publishedCells(t, db, cat, "observations")); !reflect.DeepEqual(got, tt.Want) {
				t.Errorf("hides %v, want %v", got, tt.Want)
			}
		})
	}
}

// TestCheckDisclosureLinked checks that CheckDisclosure names a figure
// shown beside a hidden sister: P1's pressure ulcers are shown again
// after a build hid them with P1's falls, so its 2,000 bed days are out.
func TestCheckDisclosureLinked(t *testing.T) {
	t.Parallel()
	cat := disclosureCatalogue(t)
	db := buildFrom(t, cat, []sub{{ID: "k2", Council: cA, Received: day("2025-04-10"), Rows: []obs{
		careRow(mFalls, "P1", 3, 2000), careRow(mUlcers, "P1", 10, 2000),
	}}})
	if _, err := db.db.Exec(testSQL(t, "disclosure/unhide_observation"), sql.Named("council", cA),
		sql.Named("provider", "P1"), sql.Named("metric", mUlcers), sql.Named("period", dq1),
		sql.Named("num", int64(10)), sql.Named("den", int64(2000))); err != nil {
		t.Fatal(err)
	}
	err := db.CheckDisclosure(context.Background())
	var de *DisclosureError
	if !errors.As(err, &de) {
		t.Fatalf("CheckDisclosure = %v, want a *DisclosureError", err)
	}
	found := false
	for _, v := range de.Violations {
		if v.Rule == "linked-shown" {
			found = true
			if v.Metric != mUlcers || v.Provider != "P1" || v.Council != cA || v.Period != dq1 {
				t.Errorf("violation %v names the wrong cell", v)
			}
		}
	}
	if !found {
		t.Errorf("CheckDisclosure found %v, want linked-shown for P1's pressure ulcers", de.Violations)
	}
}

// TestAuditSharedCount checks that the interval audit treats a count
// metrics share as one unknown, worked by hand. P1's falls (3 over 2,000
// bed days) are hidden for themselves, P2's with them: the falls total
// 15/5000 less nothing shown leaves P1 + P2 = 5,000 bed days, each 0 to
// 5,000. In a second metric sharing bed days, a group (total 20/4500)
// holds P1 hidden and P3 shown with 2,500 bed days: P1 = 4,500 - 2,500 =
// 2,000 exactly. Alone, each metric's group leaves P1's bed days wide (0
// to 5,000, or a different unknown); as one unknown, they pin them down.
func TestAuditSharedCount(t *testing.T) {
	t.Parallel()
	num := func(v float64) sql.NullFloat64 { return sql.NullFloat64{Float64: v, Valid: true} }
	cell := func(metric, provider string) cellKey { return cellKey{cA, provider, svcCare, metric, dq1} }
	members := func(shared string) []auditMember {
		return []auditMember{
			{Group: "falls", Cell: cell(mFalls, ""), Total: true, X: num(15), N: num(5000), Kind: "rate", NCount: shared},
			{Group: "falls", Cell: cell(mFalls, "P1"), Unknown: true, TX: num(3), TN: num(2000), Primary: true, Kind: "rate", NCount: shared},
			{Group: "falls", Cell: cell(mFalls, "P2"), Unknown: true, TX: num(12), TN: num(3000), Kind: "rate", NCount: shared},
			{Group: "ulcers", Cell: cell(mUlcers, ""), Total: true, X: num(20), N: num(4500), Kind: "rate", NCount: shared},
			{Group: "ulcers", Cell: cell(mUlcers, "P1"), Unknown: true, TX: num(10), TN: num(2000), Kind: "rate", NCount: shared},
			{Group: "ulcers", Cell: cell(mUlcers, "P3"), X: num(10), N: num(2500), Kind: "rate", NCount: shared},
		}
	}
	if got := auditNarrow(members("")); len(got) != 0 {
		t.Errorf("without a shared count the audit finds %v, want nothing narrow", got)
	}
	got := auditNarrow(members("occupied-bed-days"))
	want := []narrowCell{{Cell: cell(mFalls, "P1"), What: "denominator", Lo: 2000, Hi: 2000, Width: SafetyWidth}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("with bed days shared the audit finds %+v, want %+v", got, want)
	}
}
