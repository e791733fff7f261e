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

// TestSisterPublishedBefore checks that a count a sister metric published
// in an earlier release counts as known, worked by hand on the built-in
// catalogue (complaints-upheld and safeguarding-concerns share people
// served), default thresholds:
//
//	r1  council A care homes Q1: safeguarding-concerns P1 6 per 100 people
//	    served, shown.
//	r2  the council resends Q1 with the same safeguarding row and adds
//	    complaints-upheld: total 20/108, P1 12/100, P2 8/8 (8 people
//	    served, under 10: hidden for itself). P1's complaints were never
//	    published as complaints, but r1 published P1's people served
//	    (100) under safeguarding, so hiding P1's complaints as P2's
//	    complement would leave P2's people served = 108 - 100 = 8. The
//	    complement must be the total: r2 hides the complaints total and
//	    P2, and shows P1's complaints and safeguarding.
func TestSisterPublishedBefore(t *testing.T) {
	t.Parallel()
	cat := disclosureCatalogue(t)
	root := writeDataDir(t, sub{ID: "s1", Council: cA, Received: day("2025-04-10"), Rows: []obs{
		careRow(mSafeguarding, "P1", 6, 100),
	}})
	r1, err := buildRelease(t, root, "r1", cat)
	if err != nil {
		t.Fatal(err)
	}
	sg := publishedCells(t, r1, cat, "observations")[cellKey{cA, "P1", svcCare, mSafeguarding, dq1}]
	if sg.Counts == nil {
		t.Fatalf("r1 hides P1's safeguarding")
	}
	addSubmissions(t, root, sub{ID: "s2", Council: cA, Received: day("2025-05-10"), Rows: []obs{
		careRow(mSafeguarding, "P1", 6, 100),
		careRow(mComplaints, "", 20, 108), careRow(mComplaints, "P1", 12, 100), careRow(mComplaints, "P2", 8, 8),
	}})
	r2, err := buildRelease(t, root, "r2", cat)
	if err != nil {
		t.Fatal(err)
	}
	cells := publishedCells(t, r2, cat, "observations")
	total := cells[cellKey{cA, "", svcCare, mComplaints, dq1}]
	if p1 := cells[cellKey{cA, "P1", svcCare, mComplaints, dq1}]; total.Counts != nil && p1.Counts == nil {
		t.Errorf("P2's people served = r2's complaints total %.0f - r1's safeguarding P1 %.0f = %.0f (true 8): "+
			"a denominator hidden for being under 10 given back exactly", total.Counts.N, sg.Counts.N, total.Counts.N-sg.Counts.N)
	}
	want := []cellKey{{cA, "", svcCare, mComplaints, dq1}, {cA, "P2", svcCare, mComplaints, dq1}}
	if got := hiddenCells(cells); !reflect.DeepEqual(got, want) {
		t.Errorf("r2 hides %v, want %v", got, want)
	}
}

// TestSisterOtherPeriod checks that a hidden figure hides its sisters'
// figures of every period that overlaps it, worked by hand on the
// built-in catalogue, default thresholds, one release. P2's
// complaints-upheld are sent by quarter: Q1 over 8 people served (under
// 10, hidden for itself), Q2 to Q4 over 30, 35 and 35; its
// safeguarding-concerns, which share people served, for the year, over
// 108. Shown, the year would give Q1's people served: 108 - 30 - 35 - 35
// = 8. So the year is hidden, and with it, since the year's figure hidden
// gives its quarters' sisters back in turn, the complaints of Q2 to Q4:
// all five figures are hidden. CheckDisclosure names the year if it is
// shown again.
func TestSisterOtherPeriod(t *testing.T) {
	t.Parallel()
	cat := disclosureCatalogue(t)
	row := func(metric, period string, x, n int64) obs {
		return obs{Provider: "P2", Service: svcCare, Metric: metric, Period: period, Num: i64(x), Den: i64(n)}
	}
	db := buildFrom(t, cat, []sub{{ID: "q1", Council: cA, Received: day("2025-04-10"), Rows: []obs{
		row(mComplaints, dq1, 0, 8), row(mComplaints, dq2, 6, 30), row(mComplaints, dq3, 7, 35),
		row(mComplaints, dq4, 8, 35), row(mSafeguarding, dfy, 20, 108),
	}}})
	cells := publishedCells(t, db, cat, "observations")
	if year := cells[cellKey{cA, "P2", svcCare, mSafeguarding, dfy}]; year.Counts != nil {
		rest := year.Counts.N
		for _, q := range []string{dq2, dq3, dq4} {
			if c := cells[cellKey{cA, "P2", svcCare, mComplaints, q}]; c.Counts != nil {
				rest -= c.Counts.N
			}
		}
		t.Errorf("Q1 complaints of P2 hidden for 8 people served, but safeguarding's year (%.0f) less the "+
			"complaints' quarters shown gives %.0f", year.Counts.N, rest)
	}
	want := []cellKey{{cA, "P2", svcCare, mComplaints, dq1}, {cA, "P2", svcCare, mComplaints, dq2},
		{cA, "P2", svcCare, mComplaints, dq3}, {cA, "P2", svcCare, mComplaints, dq4},
		{cA, "P2", svcCare, mSafeguarding, dfy}}
	if got := hiddenCells(cells); !reflect.DeepEqual(got, want) {
		t.Errorf("hides %v, want %v", got, want)
	}

	if _, err := db.db.Exec(testSQL(t, "disclosure/unhide_observation"), sql.Named("council", cA),
		sql.Named("provider", "P2"), sql.Named("metric", mSafeguarding), sql.Named("period", dfy),
		sql.Named("num", int64(20)), sql.Named("den", int64(108))); err != nil {
		t.Fatal(err)
	}
	err := db.CheckDisclosure(context.Background())
	var de *DisclosureError
	if !errors.As(err, &de) {
		t.Fatalf("CheckDisclosure with the year shown = %v, want a *DisclosureError", err)
	}
	var named []string
	for _, v := range de.Violations {
		if v.Rule == "linked-shown" {
			if v.Metric != mSafeguarding || v.Provider != "P2" || v.Period != dfy {
				t.Errorf("violation %v names the wrong cell", v)
			}
			named = append(named, v.Detail)
		}
	}
	// The year overlaps each of the four hidden quarters.
	if len(named) != 4 {
		t.Errorf("CheckDisclosure found linked-shown %v, want the year once for each hidden quarter", named)
	}
}

// TestSharedCountDisagrees checks the interval audit where the council's
// figures of metrics sharing a count disagree (ingest does not make them
// agree), worked by hand on the built-in catalogue, default thresholds:
// complaints-upheld and safeguarding-concerns share people served. Council
// A's care homes in Q1:
//
//	complaints     total 16/(50+a+b), P1 3/a, P2 3/b, P3 10/50
//	safeguarding   total 11/54, P1 3/2, P2 3/2, P3 5/50
//
// P1 and P2 are hidden for themselves (under 10 people served) in both
// metrics. Safeguarding's own figures then leave P1's and P2's people
// served summing to 54 - 50 = 4, each 0 to 4, narrower than SafetyWidth,
// so P3 is hidden in both metrics too and the totals stay (each hidden
// count is then 0 to 54 or more).
//
//   - sisters disagree (a = 8, b = 9): a single shared unknown, with
//     complaints' figures, would make safeguarding's equation look broken
//     and leave it bounding nothing; a reader who takes each metric's
//     figures as they are reads the 4. Each metric keeps its own unknown.
//   - sisters agree (a = b = 2): the control, one unknown.
func TestSharedCountDisagrees(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		Name string
		A, B int64
	}{{"sisters disagree", 8, 9}, {"sisters agree", 2, 2}} {
		t.Run(tt.Name, func(t *testing.T) {
			t.Parallel()
			cat := disclosureCatalogue(t)
			db := buildFrom(t, cat, []sub{{ID: "k1", Council: cA, Received: day("2025-04-10"), Rows: []obs{
				careRow(mComplaints, "", 16, 50+tt.A+tt.B), careRow(mComplaints, "P1", 3, tt.A),
				careRow(mComplaints, "P2", 3, tt.B), careRow(mComplaints, "P3", 10, 50),
				careRow(mSafeguarding, "", 11, 54), careRow(mSafeguarding, "P1", 3, 2),
				careRow(mSafeguarding, "P2", 3, 2), careRow(mSafeguarding, "P3", 5, 50),
			}}})
			cells := publishedCells(t, db, cat, "observations")
			// People served by safeguarding's hidden providers, as a
			// reader works it out: the total less the providers shown.
			if total := cells[cellKey{cA, "", svcCare, mSafeguarding, dq1}]; total.Counts != nil {
				rest := total.Counts.N
				var hidden []string
				for _, p := range []string{"P1", "P2", "P3"} {
					if c := cells[cellKey{cA, p, svcCare, mSafeguarding, dq1}]; c.Counts != nil {
						rest -= c.Counts.N
					} else {
						hidden = append(hidden, p)
					}
				}
				if len(hidden) > 0 && rest < SafetyWidth {
					t.Errorf("safeguarding people served of hidden %v sum to %.0f, so each is 0 to %.0f, "+
						"narrower than SafetyWidth %d", hidden, rest, rest, SafetyWidth)
				}
			}
			var want []cellKey
			for _, p := range []string{"P1", "P2", "P3"} {
				want = append(want, cellKey{cA, p, svcCare, mComplaints, dq1}, cellKey{cA, p, svcCare, mSafeguarding, dq1})
			}
			if got := hiddenCells(cells); !reflect.DeepEqual(got, want) {
				t.Errorf("hides %v, want %v", got, want)
			}
		})
	}
}

// TestAuditSharedCountSides checks which figures of a shared count the
// audit ties into one unknown when a metric shares it as its numerator
// and another as its denominator: occupancy counts occupied bed days
// over available ones, falls are per 1,000 occupied bed days. Council A's
// care homes in Q1, worked by hand: falls total 15/5000, P1 3/2000 (small),
// P2 12/3000; occupancy total 5000/6000, P1 2100/2500, P2 3000/3500. P1's
// falls are hidden for themselves, P2's as their complement, and both
// homes' occupancy as their sisters. P2's and the totals' bed days agree
// (3,000 and 5,000 under both metrics), so each is one unknown (or known
// figure) named occupied-bed-days; P1's do not (2,000 under falls, 2,100
// under occupancy), so each metric keeps its own.
func TestAuditSharedCountSides(t *testing.T) {
	t.Parallel()
	cat := disclosureCatalogue(t)
	got := map[string]string{}
	in := BuildInput{DataDir: writeDataDir(t, sub{ID: "k1", Council: cA, Received: day("2025-04-10"), Rows: []obs{
		careRow(mFalls, "", 15, 5000), careRow(mFalls, "P1", 3, 2000), careRow(mFalls, "P2", 12, 3000),
		careRow(mOccupancy, "", 5000, 6000), careRow(mOccupancy, "P1", 2100, 2500), careRow(mOccupancy, "P2", 3000, 3500),
	}}), Catalogue: cat, Councils: fixtureCouncils(t), Neighbours: 2,
		afterSuppress: func(ctx context.Context, conn *sql.Conn) error {
			rows, err := queryAuditMembers(ctx, conn, nil, "SELECT DISTINCT metric, provider_id, x_count, n_count FROM (%s) WHERE release = ''")
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var metric, provider, x, n string
				if err := rows.Scan(&metric, &provider, &x, &n); err != nil {
					return err
				}
				got[metric+" "+provider] = x + "/" + n
			}
			return rows.Err()
		}}
	if err := openTest(t).Build(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	const shared = "occupied-bed-days"
	want := map[string]string{
		mFalls + " ": "/" + shared, mFalls + " P1": "/", mFalls + " P2": "/" + shared,
		mOccupancy + " ": shared + "/", mOccupancy + " P1": "/", mOccupancy + " P2": shared + "/",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("shared count names (numerator/denominator) are %v, want %v", got, want)
	}
}

// TestSisterOtherPeriodMonths is TestSisterOtherPeriod by month, worked by
// hand on the built-in catalogue, default thresholds, one release: P2's
// complaints-upheld are sent by month, April over 8 people served (under
// 10, hidden for itself), May and June over 30 and 35; its
// safeguarding-concerns for the quarter holding them, over 73. Shown, the
// quarter would give April's people served: 73 - 30 - 35 = 8. So the
// quarter is hidden, and with it the complaints of May and June, which
// overlap it: all four figures are hidden. CheckDisclosure names the
// quarter if it is shown again.
func TestSisterOtherPeriodMonths(t *testing.T) {
	t.Parallel()
	cat := disclosureCatalogue(t)
	row := func(metric, period string, x, n int64) obs {
		return obs{Provider: "P2", Service: svcCare, Metric: metric, Period: period, Num: i64(x), Den: i64(n)}
	}
	const apr, may, jun = "2024-04", "2024-05", "2024-06"
	db := buildFrom(t, cat, []sub{{ID: "m1", Council: cA, Received: day("2025-04-10"), Rows: []obs{
		row(mComplaints, apr, 0, 8), row(mComplaints, may, 6, 30), row(mComplaints, jun, 7, 35),
		row(mSafeguarding, dq1, 9, 73),
	}}})
	cells := publishedCells(t, db, cat, "observations")
	want := []cellKey{{cA, "P2", svcCare, mComplaints, apr}, {cA, "P2", svcCare, mComplaints, may},
		{cA, "P2", svcCare, mComplaints, jun}, {cA, "P2", svcCare, mSafeguarding, dq1}}
	if got := hiddenCells(cells); !reflect.DeepEqual(got, want) {
		t.Errorf("hides %v, want %v", got, want)
	}

	if _, err := db.db.Exec(testSQL(t, "disclosure/unhide_observation"), sql.Named("council", cA),
		sql.Named("provider", "P2"), sql.Named("metric", mSafeguarding), sql.Named("period", dq1),
		sql.Named("num", int64(9)), sql.Named("den", int64(73))); err != nil {
		t.Fatal(err)
	}
	err := db.CheckDisclosure(context.Background())
	var de *DisclosureError
	if !errors.As(err, &de) {
		t.Fatalf("CheckDisclosure with the quarter shown = %v, want a *DisclosureError", err)
	}
	var named []string
	for _, v := range de.Violations {
		if v.Rule == "linked-shown" {
			if v.Metric != mSafeguarding || v.Provider != "P2" || v.Period != dq1 {
				t.Errorf("violation %v names the wrong cell", v)
			}
			named = append(named, v.Detail)
		}
	}
	// The quarter overlaps each of the three hidden months.
	if len(named) != 3 {
		t.Errorf("CheckDisclosure found linked-shown %v, want the quarter once for each hidden month", named)
	}
}
