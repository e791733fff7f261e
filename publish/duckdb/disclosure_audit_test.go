package duckdb

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestAuditNarrow checks the interval audit on groups given directly,
// against ranges worked by hand. Each case is one group of this release:
// a published total and parts, some hidden.
func TestAuditNarrow(t *testing.T) {
	t.Parallel()
	num := func(v float64) sql.NullFloat64 { return sql.NullFloat64{Float64: v, Valid: true} }
	shown := func(provider string, total bool, x, n float64, kind string) auditMember {
		return auditMember{Group: "g", Cell: cellKey{Provider: provider}, Total: total, X: num(x), N: num(n), Kind: kind}
	}
	hidden := func(provider string, x, n float64, primary bool, kind string) auditMember {
		return auditMember{Group: "g", Cell: cellKey{Provider: provider}, Unknown: true, TX: num(x), TN: num(n),
			Primary: primary, Kind: kind}
	}
	type want struct {
		Provider, What string
		Lo, Hi         float64
	}
	tests := []struct {
		Name    string
		Members []auditMember
		Want    []want
	}{
		// 10 - 6 leaves 4 for P2 + P3: each 0 to 4. Their bed days sum
		// to 2000, each 0 to 2000, wide enough.
		{"two small parts summing to 4", []auditMember{
			shown("", true, 10, 3000, "rate"), shown("P1", false, 6, 1000, "rate"),
			hidden("P2", 2, 1000, true, "rate"), hidden("P3", 2, 1000, true, "rate")},
			[]want{{"P2", "numerator", 0, 4}, {"P3", "numerator", 0, 4}}},
		// With a complement of 12 hidden too, 16 is left: 0 to 16.
		{"a third part hidden", []auditMember{
			shown("", true, 22, 4000, "rate"), shown("P1", false, 6, 1000, "rate"), hidden("P4", 12, 1000, false, "rate"),
			hidden("P2", 2, 1000, true, "rate"), hidden("P3", 2, 1000, true, "rate")},
			nil},
		// A total of 20 over parts whose own figures sum to 10: a reader
		// knows only that the total holds at least its parts, so P2 + P3
		// <= 20 - 6 = 14, each 0 to 14, wide enough.
		{"a total that holds more than its parts", []auditMember{
			shown("", true, 20, 3000, "rate"), shown("P1", false, 6, 1000, "rate"),
			hidden("P2", 2, 1000, true, "rate"), hidden("P3", 2, 1000, true, "rate")},
			nil},
		// A total of 9 over parts whose own figures sum to 8 (one fall at
		// a home not listed): P2 + P3 <= 9 - 6 = 3, each 0 to 3, though
		// the equation is not exact. The bed days add up: each 0 to 2000.
		{"a total a little more than its parts", []auditMember{
			shown("", true, 9, 3000, "rate"), shown("P1", false, 6, 1000, "rate"),
			hidden("P2", 1, 1000, true, "rate"), hidden("P3", 1, 1000, true, "rate")},
			[]want{{"P2", "numerator", 0, 3}, {"P3", "numerator", 0, 3}}},
		// A total of 7 over parts whose own figures sum to 8: the hidden
		// parts hold at least 7 - 6 = 1 between them, which bounds neither
		// from above.
		{"a total less than its parts", []auditMember{
			shown("", true, 7, 3000, "rate"), shown("P1", false, 6, 1000, "rate"),
			hidden("P2", 1, 1000, true, "rate"), hidden("P3", 1, 1000, true, "rate")},
			nil},
		// Proportions 48/50 and 52/54 beside a total of 100/104: the
		// complements sum to 104 - 100 = 4, each 0 to 4, while the
		// numerators (0 to 100, as a numerator is at most its
		// denominator, 0 to 104) are wide.
		{"complements of proportions", []auditMember{
			shown("", true, 100, 104, "proportion"),
			hidden("P1", 48, 50, true, "proportion"), hidden("P2", 52, 54, true, "proportion")},
			[]want{{"P1", "complement", 0, 4}, {"P2", "complement", 0, 4}}},
		// Counts that sum to 0 are each 0.
		{"hidden counts forced to 0", []auditMember{
			shown("", true, 7, 0, "count"), shown("P1", false, 7, 0, "count"),
			hidden("P2", 0, 0, true, "count"), hidden("P3", 0, 0, false, "count")},
			[]want{{"P2", "count", 0, 0}}},
	}
	// An earlier release (r1) published the total 10/3000 and P1 6/1000
	// beside P2 and P3 hidden: P2 + P3 = 4, each 0 to 4, given away then.
	history := func(p2x float64) []auditMember {
		h := []auditMember{shown("", true, 10, 3000, "rate"), shown("P1", false, 6, 1000, "rate"),
			hidden("P2", p2x, 1000, false, "rate"), hidden("P3", 2, 1000, false, "rate")}
		for i := range h {
			h[i].Group, h[i].Release = "h", "r1"
		}
		return h
	}
	tests = append(tests,
		// This release publishes a total of 3/2000 beside P5 1/1000 and
		// P2 hidden: P2 is 2 falls over 1000 bed days exactly, narrower
		// than the 0 to 4 release 1 left, so it is not excused.
		struct {
			Name    string
			Members []auditMember
			Want    []want
		}{"narrower than an earlier release left it", append(history(2),
			shown("", true, 3, 2000, "rate"), shown("P5", false, 1, 1000, "rate"), hidden("P2", 2, 1000, true, "rate")),
			[]want{{"P2", "denominator", 1000, 1000}, {"P2", "numerator", 2, 2}}},
		// P2 has been revised from 2 to 12 since release 1, and this
		// release hides P2 and P3 beside a total of 20/3000 and P1: P2 +
		// P3 = 14, each 0 to 14. Release 1's P2 + P3 = 4 no longer holds
		// of today's figures; it gets unknowns of its own, which bound
		// release 1's figures, not today's, so nothing is narrow.
		struct {
			Name    string
			Members []auditMember
			Want    []want
		}{"a cell revised since an earlier release", append(history(12),
			shown("", true, 20, 3000, "rate"), shown("P1", false, 6, 1000, "rate"),
			hidden("P2", 12, 1000, false, "rate"), hidden("P3", 2, 1000, true, "rate")),
			nil},
	)
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			t.Parallel()
			var got []want
			for _, n := range auditNarrow(tt.Members) {
				if n.Err != nil {
					t.Fatalf("%v: %v", n.Cell, n.Err)
				}
				got = append(got, want{n.Cell.Provider, n.What, n.Lo, n.Hi})
			}
			if !reflect.DeepEqual(got, tt.Want) {
				t.Errorf("narrow = %v, want %v", got, tt.Want)
			}
		})
	}
}

// TestAuditCache checks that the audit takes the findings of a component
// it has solved before from componentCache, solves again only a component
// whose equations changed, and finds, with the cache, the ranges worked by
// hand (the cases of TestAuditNarrow).
func TestAuditCache(t *testing.T) {
	t.Parallel()
	num := func(v float64) sql.NullFloat64 { return sql.NullFloat64{Float64: v, Valid: true} }
	shown := func(council, provider string, total bool, x, n float64, kind string) auditMember {
		return auditMember{Group: council, Cell: cellKey{Council: council, Provider: provider}, Total: total,
			X: num(x), N: num(n), Kind: kind}
	}
	hidden := func(council, provider string, x, n float64, kind string) auditMember {
		return auditMember{Group: council, Cell: cellKey{Council: council, Provider: provider}, Unknown: true,
			TX: num(x), TN: num(n), Primary: true, Kind: kind}
	}
	type want struct {
		Council, Provider, What string
		Lo, Hi                  float64
	}
	narrowed := func(members []auditMember, cache componentCache) []want {
		var got []want
		for _, n := range auditNarrowCached(members, cache) {
			if n.Err != nil {
				t.Fatalf("%v: %v", n.Cell, n.Err)
			}
			got = append(got, want{n.Cell.Council, n.Cell.Provider, n.What, n.Lo, n.Hi})
		}
		return got
	}
	// Council A: 10 - 6 leaves 4 for P2 + P3, each 0 to 4. Council B:
	// 100/104 less nothing shown leaves complements summing to 4.
	a := []auditMember{shown("A", "", true, 10, 3000, "rate"), shown("A", "P1", false, 6, 1000, "rate"),
		hidden("A", "P2", 2, 1000, "rate"), hidden("A", "P3", 2, 1000, "rate")}
	b := []auditMember{shown("B", "", true, 100, 104, "proportion"),
		hidden("B", "P1", 48, 50, "proportion"), hidden("B", "P2", 52, 54, "proportion")}
	first := []want{{"A", "P2", "numerator", 0, 4}, {"A", "P3", "numerator", 0, 4},
		{"B", "P1", "complement", 0, 4}, {"B", "P2", "complement", 0, 4}}
	cache := componentCache{}
	if got := narrowed(append(slices.Clone(a), b...), cache); !reflect.DeepEqual(got, first) {
		t.Fatalf("first audit: narrow = %v, want %v", got, first)
	}
	// A rate's numerators and denominators share no equation: council A
	// has two components, B one.
	if len(cache) != 3 {
		t.Fatalf("after the first audit the cache holds %d components, want 3", len(cache))
	}
	// Council B's two proportions give bound equations, taken from a map:
	// their order, and so the component's key, must not vary.
	for range 20 {
		if got := narrowed(append(slices.Clone(a), b...), cache); !reflect.DeepEqual(got, first) {
			t.Fatalf("audit again: narrow = %v, want %v", got, first)
		}
	}
	if len(cache) != 3 {
		t.Fatalf("auditing the same equations again left %d components in the cache, want 3", len(cache))
	}
	// P3 of council A shown at 2/1000: P2 is 4 - 2 = 2 over 2000 - 1000 =
	// 1000 exactly. Council B is unchanged and read from the cache.
	a[3] = shown("A", "P3", false, 2, 1000, "rate")
	second := []want{{"A", "P2", "denominator", 1000, 1000}, {"A", "P2", "numerator", 2, 2},
		{"B", "P1", "complement", 0, 4}, {"B", "P2", "complement", 0, 4}}
	if got := narrowed(append(slices.Clone(a), b...), cache); !reflect.DeepEqual(got, second) {
		t.Fatalf("after showing A's P3: narrow = %v, want %v", got, second)
	}
	if len(cache) != 5 {
		t.Fatalf("after showing A's P3 the cache holds %d components, want 5 (A's two anew)", len(cache))
	}
}

// TestAuditUnits checks that an audit after a change reads again the
// whole family of metrics that share a count with the cell changed, and
// keeps the findings of the rest, on council A's care homes in Q1, worked
// by hand. Falls: total 15/5000, P1 3/2000 (small), P2 12/3000;
// occupancy: total 5000/6000, P1 2000/2500, P2 3000/3500. Suppression
// hides P1's falls for itself, P2's as its complement and both homes'
// occupancy as their sisters: the bed days b1 + b2 = 5,000 (one unknown
// each, shared by falls and occupancy, whose figures agree) leave P1's
// between 0 and 5,000, and nothing is narrow. Showing P2's occupancy
// again (3,000 of 3,500) changes only occupancy, yet gives b1 = 5,000 -
// 3,000 = 2,000: falls P1's denominator, held to exactly 2,000. An audit
// that read again only occupancy would keep the falls findings of before
// and miss it. The Build that follows must fail on it too: its own cache
// from suppression found nothing, and the reading of the observations
// this test's audits left behind is not its own.
func TestAuditUnits(t *testing.T) {
	t.Parallel()
	type want = auditFinding
	audit := auditFindings
	var before, after, fresh []want
	var logBefore, logAfter string
	in := BuildInput{DataDir: writeDataDir(t, sub{ID: "u1", Council: cA, Received: day("2025-04-10"), Rows: []obs{
		careRow(mFalls, "", 15, 5000), careRow(mFalls, "P1", 3, 2000), careRow(mFalls, "P2", 12, 3000),
		careRow(mOccupancy, "", 5000, 6000), careRow(mOccupancy, "P1", 2000, 2500), careRow(mOccupancy, "P2", 3000, 3500),
	}}), Catalogue: disclosureCatalogue(t), Councils: fixtureCouncils(t), Neighbours: 2,
		afterSuppress: func(ctx context.Context, conn *sql.Conn) error {
			s := &session{conn: conn}
			var c auditCache
			var err error
			if before, err = audit(ctx, s, &c); err != nil {
				return err
			}
			logBefore = c.last
			if err := showP2Occupancy(ctx, t, conn); err != nil {
				return err
			}
			if after, err = audit(ctx, s, &c); err != nil {
				return err
			}
			logAfter = c.last
			fresh, err = audit(ctx, s, &auditCache{})
			return err
		}}
	err := openTest(t).Build(context.Background(), in)
	if len(before) != 0 {
		t.Errorf("after suppression: narrow = %v, want none", before)
	}
	if w := []want{{"P1", mFalls, "denominator", 2000, 2000}}; !reflect.DeepEqual(after, w) {
		t.Errorf("after showing P2's occupancy: narrow = %v, want %v", after, w)
	}
	if !reflect.DeepEqual(fresh, after) {
		t.Errorf("an audit from nothing found %v, the audit of the changed units %v", fresh, after)
	}
	if !strings.HasPrefix(logBefore, "every unit read") || !strings.HasPrefix(logAfter, "1 units read again") {
		t.Errorf("the audits read %q, then %q; want every unit, then 1 unit again", logBefore, logAfter)
	}
	if !errors.Is(err, ErrDisclosure) || !strings.Contains(err.Error(), "narrow") || !strings.Contains(err.Error(), mFalls) {
		t.Errorf("Build = %v, want a narrow range of %s", err, mFalls)
	}
}

// auditFinding is a finding of the interval audit as the tests state
// their wants: the cell's provider and metric, the count found narrow,
// and its range.
type auditFinding struct {
	Provider, Metric, What string
	Lo, Hi                 float64
}

// auditFindings runs the interval audit with cache c and returns its
// findings, failing on a count the solver could not bound.
func auditFindings(ctx context.Context, s *session, c *auditCache) ([]auditFinding, error) {
	narrow, err := s.auditIntervals(ctx, c)
	if err != nil {
		return nil, err
	}
	var got []auditFinding
	for _, n := range narrow {
		if n.Err != nil {
			return nil, n.Err
		}
		got = append(got, auditFinding{n.Cell.Provider, n.Cell.Metric, n.What, n.Lo, n.Hi})
	}
	return got, nil
}

// showP2Occupancy shows council A's P2's care-home occupancy in Q1 again (3,000 of
// 3,500 bed days) on conn, as if suppression had not hidden it, and fails t
// unless exactly that one cell was hidden: the audit tests' fixtures rely
// on suppression having hidden it.
func showP2Occupancy(ctx context.Context, t testing.TB, conn *sql.Conn) error {
	return showP2OccupancyOf(ctx, t, conn, cA)
}

// showP2OccupancyOf is showP2Occupancy for council's P2.
func showP2OccupancyOf(ctx context.Context, t testing.TB, conn *sql.Conn, council string) error {
	res, err := conn.ExecContext(ctx, testSQL(t, "disclosure/unhide_observation"),
		sql.Named("council", council), sql.Named("provider", "P2"), sql.Named("metric", mOccupancy),
		sql.Named("period", dq1), sql.Named("num", int64(3000)), sql.Named("den", int64(3500)))
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		t.Errorf("showed %d cells of %s (%v), want 1: the fixture no longer hides P2's occupancy", n, council, err)
	}
	return nil
}

// TestAuditBatches checks that an audit that holds a batch of councils at
// a time (auditBatches) finds what it finds holding every council at once,
// in the first audit and in one that reads again only the units changed,
// and that it gives back the memory DuckDB lent it.
// Councils A and B return TestAuditUnits' care homes: after suppression
// nothing is narrow; with P2's occupancy shown again in both, each has
// P1's falls denominator held to exactly 2,000 (worked in
// TestAuditUnits). With a batch of one member, each council is a batch
// of its own.
func TestAuditBatches(t *testing.T) {
	t.Parallel()
	// want is a finding with its council, which tells the two apart.
	type want struct {
		Council string
		auditFinding
	}
	audit := func(ctx context.Context, s *session, c *auditCache) ([]want, error) {
		narrow, err := s.auditIntervals(ctx, c)
		var got []want
		for _, n := range narrow {
			if n.Err != nil {
				return nil, n.Err
			}
			got = append(got, want{n.Cell.Council, auditFinding{n.Cell.Provider, n.Cell.Metric, n.What, n.Lo, n.Hi}})
		}
		return got, err
	}
	rows := func() []obs {
		return []obs{
			careRow(mFalls, "", 15, 5000), careRow(mFalls, "P1", 3, 2000), careRow(mFalls, "P2", 12, 3000),
			careRow(mOccupancy, "", 5000, 6000), careRow(mOccupancy, "P1", 2000, 2500), careRow(mOccupancy, "P2", 3000, 3500),
		}
	}
	var before, after, whole []want
	var logs [3]string
	in := BuildInput{DataDir: writeDataDir(t,
		sub{ID: "a1", Council: cA, Received: day("2025-04-10"), Rows: rows()},
		sub{ID: "b1", Council: cB, Received: day("2025-04-11"), Rows: rows()},
	), Catalogue: disclosureCatalogue(t), Councils: fixtureCouncils(t), Neighbours: 2,
		afterSuppress: func(ctx context.Context, conn *sql.Conn) error {
			s := &session{conn: conn, auditBatch: 1}
			limit, err := s.memoryLimit(ctx)
			if err != nil {
				return err
			}
			var c auditCache
			if before, err = audit(ctx, s, &c); err != nil {
				return err
			}
			// The audit lends DuckDB's memory to its batches, and gives it back.
			if after, err := s.memoryLimit(ctx); err != nil || after != limit {
				t.Errorf("DuckDB's memory limit after the audit: %d bytes (%v), want %d as before", after, err, limit)
			}
			logs[0] = c.last
			for _, council := range []string{cA, cB} {
				if err := showP2OccupancyOf(ctx, t, conn, council); err != nil {
					return err
				}
			}
			if after, err = audit(ctx, s, &c); err != nil {
				return err
			}
			logs[1] = c.last
			c = auditCache{}
			if whole, err = audit(ctx, &session{conn: conn}, &c); err != nil {
				return err
			}
			logs[2] = c.last
			return nil
		}}
	if err := openTest(t).Build(context.Background(), in); !errors.Is(err, ErrDisclosure) {
		t.Errorf("Build = %v, want the narrow ranges the test made", err)
	}
	if len(before) != 0 {
		t.Errorf("after suppression: narrow = %v, want none", before)
	}
	w := []want{{cA, auditFinding{"P1", mFalls, "denominator", 2000, 2000}}, {cB, auditFinding{"P1", mFalls, "denominator", 2000, 2000}}}
	if !reflect.DeepEqual(after, w) {
		t.Errorf("a batch a council: narrow = %v, want %v", after, w)
	}
	if !reflect.DeepEqual(whole, w) {
		t.Errorf("one batch: narrow = %v, want %v", whole, w)
	}
	if !strings.HasPrefix(logs[0], "every unit read in 2 batches of councils") ||
		!strings.HasPrefix(logs[1], "2 units read again in 2 batches of councils") ||
		strings.Contains(logs[2], "batches") {
		t.Errorf("the audits logged %q; want every unit in 2 batches, 2 units in 2 batches, then every unit at once", logs)
	}
}

// TestAuditMembersOrder checks the order in which the audit reads its
// members from the table it stores them in: batch by batch, and within a
// batch by the group's release, gid or hgroup, then the member's provider
// and period, so that a group's members come together (two councils, a
// batch each, and a second release whose groups an earlier one
// published).
func TestAuditMembersOrder(t *testing.T) {
	t.Parallel()
	cat := disclosureCatalogue(t)
	root := writeDataDir(t, disclosureSubs()...)
	if _, err := buildRelease(t, root, "r1", cat); err != nil {
		t.Fatal(err)
	}
	type key struct {
		batch                             int
		release, hgroup, provider, period string
		gid                               int64
	}
	var got []key
	in := BuildInput{DataDir: root, Catalogue: cat, Councils: fixtureCouncils(t), Neighbours: 2,
		afterSuppress: func(ctx context.Context, conn *sql.Conn) error {
			s := &session{conn: conn, auditBatch: 1}
			batches, err := s.auditBatches(ctx, nil, 0)
			if err != nil {
				return err
			}
			return s.eachAuditMember(ctx, nil, batches, func(b int, m *auditMember) {
				got = append(got, key{b, m.Release, m.Group, m.Cell.Provider, m.Cell.Period, m.GID})
			})
		}}
	if err := openTest(t).Build(context.Background(), in); err != nil && !errors.Is(err, ErrDisclosure) {
		t.Fatal(err)
	}
	var batches, releases int
	for i, k := range got {
		if i == 0 {
			continue
		}
		p := got[i-1]
		c := cmp.Or(cmp.Compare(p.batch, k.batch), cmp.Compare(p.release, k.release), cmp.Compare(p.gid, k.gid),
			cmp.Compare(p.hgroup, k.hgroup), cmp.Compare(p.provider, k.provider), cmp.Compare(p.period, k.period))
		if c >= 0 {
			t.Fatalf("member %d %+v read after %+v, want after it", i, k, p)
		}
		if k.batch != p.batch {
			batches++
		}
		if k.release != p.release {
			releases++
		}
	}
	if batches == 0 || releases == 0 {
		t.Errorf("%d members in %d batches, %d releases: the fixture no longer tests the order across batches and releases",
			len(got), batches+1, releases+1)
	}
}

// TestAuditVariableNumbers checks that the system numbers each variable
// once, in the order first seen, whatever holds it: this release's in a
// slice by side and cell, an earlier release's in a map. The same cell
// and side of this release and of an earlier one are different
// variables, and so are the same cell's sides; a cell numbered past
// others that have no variable leaves them without one; a side no slice
// holds (none is made today) is numbered in the map.
func TestAuditVariableNumbers(t *testing.T) {
	t.Parallel()
	a := newAuditSystem(0)
	figure := func(f float64) sql.NullFloat64 { return sql.NullFloat64{Float64: f, Valid: true} }
	steps := []struct {
		v    auditVar
		t    sql.NullFloat64
		want int
	}{
		{auditVar{Cell: 1, Side: 'x'}, figure(10), 0},
		{auditVar{Cell: 1, Side: 'x', Release: 2}, figure(11), 1},
		{auditVar{Cell: 1, Side: 'x'}, figure(99), 0},
		{auditVar{Cell: 1, Side: 'n'}, figure(20), 2},
		{auditVar{Cell: 1, Side: 'c'}, sql.NullFloat64{}, 3},
		{auditVar{Cell: 7, Side: 's'}, sql.NullFloat64{}, 4},
		{auditVar{Cell: 1, Side: 'x', Release: 2}, figure(99), 1},
		{auditVar{Cell: 1, Side: 'x', Release: 3}, sql.NullFloat64{}, 5},
		{auditVar{Cell: 0, Side: 'x'}, figure(30), 6},
		{auditVar{Cell: 1}, sql.NullFloat64{}, 7},
		{auditVar{Cell: 1, Side: 'c'}, sql.NullFloat64{}, 3},
		{auditVar{Cell: 1}, sql.NullFloat64{}, 7},
	}
	for i, s := range steps {
		if got := a.variable(s.v, s.t); got != s.want {
			t.Fatalf("step %d: variable(%+v) = %d, want %d", i+1, s.v, got, s.want)
		}
	}
	// Each number keeps the figure it was first given.
	want := []sql.NullFloat64{figure(10), figure(11), figure(20), {}, {}, {}, figure(30), {}}
	if !slices.Equal(a.truth, want) {
		t.Errorf("figures %v, want %v", a.truth, want)
	}
	for _, v := range []auditVar{{Cell: 3, Side: 's'}, {Cell: 2, Side: 'x'}, {Cell: 1, Side: 's'}, {Cell: 1, Side: 'n', Release: 2}, {Cell: 8, Side: 'c'}} {
		if i, ok := a.lookup(v); ok {
			t.Errorf("lookup(%+v) = %d, want none", v, i)
		}
	}
	if i, ok := a.lookup(auditVar{Cell: 7, Side: 's'}); !ok || i != 4 {
		t.Errorf("lookup of cell 7's slack = %d, %v; want 4", i, ok)
	}
}

// TestAuditGroupNumbers checks that a group keeps its number whether it
// comes straight after itself, which the tables answer without a lookup,
// or again later, and that the zero key is a group like any other.
func TestAuditGroupNumbers(t *testing.T) {
	t.Parallel()
	tables := newAuditTables(0)
	a := &auditMember{}
	b := &auditMember{Release: "s1", Group: "g"}
	c := &auditMember{GID: 7}
	for i, s := range []struct {
		m     *auditMember
		want  int32
		isNew bool
	}{
		{a, 0, true}, {a, 0, false}, {b, 1, true}, {c, 2, true}, {c, 2, false}, {b, 1, false}, {a, 0, false}, {c, 2, false},
	} {
		if got, isNew := tables.group(s.m); got != s.want || isNew != s.isNew {
			t.Errorf("step %d: the group of release %q, group %q, gid %d = %d, %v; want %d, %v",
				i+1, s.m.Release, s.m.Group, s.m.GID, got, isNew, s.want, s.isNew)
		}
	}
}

// TestReadAuditMembersInOrder checks that the members eachAuditMember
// stores reach fn once each, whole, with their batch and in the order
// audit_members_batch.sql reads them, across batches of many chunks, of
// exactly one, of none and of one member: readAuditMembers reads chunks
// on one goroutine and reuses each once fn has been through it.
func TestReadAuditMembersInOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := testSession(t, openTest(t))
	sizes := []int{2*auditChunkSize + 100, auditChunkSize, 0, 1}
	var parts []string
	for b, n := range sizes {
		// Stored out of their order (gid descending), which the read sorts.
		parts = append(parts, fmt.Sprintf(`SELECT %d AS batch, '' AS release, %d - i AS gid, NULL::VARCHAR AS hgroup,
			'E0800000' || %d AS council_code, 'p' || (%d - i) AS provider_id, 'homecare' AS service,
			'hc-missed-visits' AS metric, '2024-25-Q1' AS period, i %% 2 = 0 AS is_total, i %% 3 = 0 AS unknown,
			(%d - i)::DOUBLE AS x, NULL::DOUBLE AS n, 'count' AS kind, NULL::DOUBLE AS tx, NULL::DOUBLE AS tn,
			false AS is_primary, '' AS x_count, '' AS n_count, 5 AS small_count FROM range(%d) r(i)`, b, n, b, n, n, n))
	}
	if _, err := s.conn.ExecContext(ctx, "CREATE TEMP TABLE audit_member_rows AS "+strings.Join(parts, " UNION ALL ")); err != nil {
		t.Fatal(err)
	}
	type seen struct {
		batch       int
		gid         int64
		council     string
		provider    string
		x           float64
		total       bool
		unknown     bool
		small, kind string
	}
	var got []seen
	err := s.readAuditMembers(ctx, len(sizes), func(batch int, m *auditMember) {
		got = append(got, seen{batch, m.GID, m.Cell.Council, m.Cell.Provider, m.X.Float64, m.Total, m.Unknown,
			fmt.Sprint(m.SmallCount), m.Kind})
	})
	if err != nil {
		t.Fatal(err)
	}
	var want []seen
	for b, n := range sizes {
		for g := 1; g <= n; g++ {
			i := n - g // the row's number in range, as stored
			want = append(want, seen{b, int64(g), fmt.Sprintf("E0800000%d", b), fmt.Sprintf("p%d", g), float64(g),
				i%2 == 0, i%3 == 0, "5", "count"})
		}
	}
	if len(got) != len(want) {
		t.Fatalf("fn was handed %d members, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("member %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

// TestReadAuditMembersError checks that a row the reader cannot scan (a
// NULL kind, in a batch's second chunk) ends readAuditMembers with that
// error, once fn has had the members read before it, rather than leaving
// either goroutine waiting for the other.
func TestReadAuditMembersError(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := testSession(t, openTest(t))
	bad := auditChunkSize + 10 // the row's gid: in the second chunk
	if _, err := s.conn.ExecContext(ctx, fmt.Sprintf(`CREATE TEMP TABLE audit_member_rows AS
		SELECT b AS batch, '' AS release, i AS gid, NULL::VARCHAR AS hgroup, 'E08000001' AS council_code,
		       'p' || i AS provider_id, 'homecare' AS service, 'hc-missed-visits' AS metric, '2024-25-Q1' AS period,
		       false AS is_total, true AS unknown, i::DOUBLE AS x, NULL::DOUBLE AS n,
		       CASE WHEN i = %d THEN NULL ELSE 'count' END AS kind, NULL::DOUBLE AS tx, NULL::DOUBLE AS tn,
		       false AS is_primary, '' AS x_count, '' AS n_count, 5 AS small_count
		FROM range(2) b(b), range(1, 3 * %d) r(i)`, bad, auditChunkSize)); err != nil {
		t.Fatal(err)
	}
	handed := 0
	err := s.readAuditMembers(ctx, 2, func(batch int, m *auditMember) {
		if batch != 0 || m.GID >= int64(bad) {
			t.Errorf("fn was handed batch %d's member %d, past the row that could not be read", batch, m.GID)
		}
		handed++
	})
	if err == nil || !strings.Contains(err.Error(), "audit_members_batch") {
		t.Errorf("readAuditMembers = %v, want the scan's error", err)
	}
	if want := auditChunkSize; handed != want {
		t.Errorf("fn was handed %d members, want the first chunk's %d", handed, want)
	}
}
