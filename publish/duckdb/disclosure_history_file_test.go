package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/yardstick-open/yardstick/schemas"
)

// planOf returns how a build of root would read the earlier releases.
func planOf(t *testing.T, root string) historyPlan {
	t.Helper()
	ctx := context.Background()
	s, err := openTest(t).session(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	plan, err := s.planHistory(ctx, schemas.Layout{Root: root})
	if err != nil {
		t.Fatal(err)
	}
	return plan
}

// directIDs names the releases a plan reads directly.
func directIDs(p historyPlan) []string {
	return releaseIDs(p.Direct)
}

// historyIDs names the releases whose histories a plan reads, in the
// order it reads them.
func historyIDs(p historyPlan) []string {
	return releaseIDs(p.Histories)
}

// coveredIDs names the releases the histories a plan reads cover.
func coveredIDs(p historyPlan) []string {
	var out []string
	for _, k := range p.Covered {
		out = append(out, k.ID)
	}
	return out
}

func releaseIDs(rs []earlierRelease) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}

// fourReleases builds releases 1 to 4 of TestHistoryFileReadAlone's
// folder and adds release 5's return, unbuilt, and returns the folder.
// testdata/disclosure/history-v1-r4.parquet is release 4's history as
// the first format wrote it for this folder.
func fourReleases(t *testing.T, cat *schemas.Catalogue) string {
	t.Helper()
	q1 := []obs{falls("P1", dq1, 12, 3000), falls("P2", dq1, 15, 4000), falls("P3", dq1, 20, 5000)}
	q2 := []obs{falls("", dq2, 40, 12000), falls("P1", dq2, 10, 3000), falls("P2", dq2, 2, 4000), falls("P3", dq2, 28, 5000)}
	q3 := []obs{falls("P1", dq3, 11, 3000), falls("P2", dq3, 13, 4000), falls("P3", dq3, 21, 5000)}
	root := writeDataDir(t, sub{ID: "a1", Council: cA, Received: day("2025-04-10"), Rows: q1})
	if _, err := buildRelease(t, root, "r1", cat); err != nil {
		t.Fatal(err)
	}
	addSubmissions(t, root, sub{ID: "a2", Council: cA, Received: day("2025-07-10"), Rows: q2})
	if _, err := buildRelease(t, root, "r2", cat); err != nil {
		t.Fatal(err)
	}
	addSubmissions(t, root, sub{ID: "a3", Council: cA, Received: day("2025-10-10"), Rows: q3})
	for _, id := range []string{"r3", "r4"} {
		if _, err := buildRelease(t, root, id, cat); err != nil {
			t.Fatal(err)
		}
	}
	addSubmissions(t, root, sub{ID: "a5", Council: cA, Received: day("2025-11-10"), Rows: append([]obs{
		falls("", dq1, 49, 13000), falls("P4", dq1, 2, 1000)}, q1...)})
	return root
}

// TestHistoryFileReadAlone checks that a publish after several releases
// reads the newest release's disclosure history and no release's
// observations, and hides exactly what reading every release directly
// hides. Council A's ch-falls, worked by hand:
//
//	release 1  Q1: P1 12/3000, P2 15/4000, P3 20/5000, nothing small.
//	release 2  adds Q2: council-wide 40/12000, P1 10/3000, P2 2/4000
//	           (small), P3 28/5000; P2 is hidden and P1 with it (the
//	           part with a count and the smallest denominator).
//	releases 3 and 4
//	           add Q3 (P1 11/3000, P2 13/4000, P3 21/5000), nothing
//	           small; Q2's group is published again unchanged, so the
//	           history keeps it once, published by releases 2, 3 and 4.
//	release 5  Q1 is resent with the council-wide 49/13000 and a new
//	           home P4 2/1000 (small). Release 1 published P1 to P3, so
//	           the total is hidden rather than P1 (TestHistoryKnown), and
//	           Q2's P1 and P2 stay hidden.
//
// Release 5 is built twice: once with release 4's history file and the
// observations files of releases 1 to 4 made unreadable, so reading any
// of them would fail the build; once in a copy of the folder without
// history files, where every release is read directly.
func TestHistoryFileReadAlone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cat := disclosureCatalogue(t)
	root := fourReleases(t, cat)

	// The copy every release of which is read directly.
	direct := t.TempDir()
	if err := os.CopyFS(direct, os.DirFS(root)); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"r1", "r2", "r3", "r4"} {
		withoutHistory(t, direct, id)
	}
	if p := planOf(t, direct); len(p.Histories) != 0 || !reflect.DeepEqual(directIDs(p), []string{"r1", "r2", "r3", "r4"}) {
		t.Fatalf("without history files the plan reads histories %v, direct %v; want every release read directly",
			historyIDs(p), directIDs(p))
	}

	p := planOf(t, root)
	if !reflect.DeepEqual(historyIDs(p), []string{"r4"}) || len(p.Direct) != 0 ||
		!reflect.DeepEqual(coveredIDs(p), []string{"r1", "r2", "r3", "r4"}) {
		t.Fatalf("plan reads histories %v covering %v, direct %v; want release 4's history alone, covering releases 1 to 4",
			historyIDs(p), coveredIDs(p), directIDs(p))
	}
	for _, id := range []string{"r1", "r2", "r3", "r4"} {
		path := filepath.Join(schemas.Layout{Root: root}.Release(id), filepath.FromSlash(schemas.ObservationsParquet))
		if err := os.WriteFile(path, []byte("PAR1"), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// Q2's group, unchanged since release 2, is kept once, and so is the
	// set of groups releases 2, 3 and 4 published (Q2's alone).
	var members, sets, withSet int64
	history := filepath.Join(schemas.Layout{Root: root}.Release("r4"), filepath.FromSlash(schemas.DisclosureHistoryParquet))
	err := openTest(t).db.QueryRowContext(ctx, `
		SELECT count(*) FILTER (WHERE part = 'member' AND group_period = $period AND link = 'providers'),
		       count(*) FILTER (WHERE part = 'set'),
		       count(*) FILTER (WHERE part = 'release' AND sig_set IS NOT NULL)
		FROM read_parquet($file::VARCHAR)`,
		sql.Named("file", history), sql.Named("period", dq2)).Scan(&members, &sets, &withSet)
	if err != nil {
		t.Fatal(err)
	}
	if members != 4 || sets != 1 || withSet != 3 {
		t.Errorf("release 4's history holds %d members of Q2's group, %d groups in sets and %d releases with a "+
			"set; want 4 (the total and three homes), 1 (Q2's group, once) and 3 (releases 2 to 4)",
			members, sets, withSet)
	}

	want := []cellKey{{cA, "", svcCare, mFalls, dq1}, {cA, "P1", svcCare, mFalls, dq2},
		{cA, "P2", svcCare, mFalls, dq2}, {cA, "P4", svcCare, mFalls, dq1}}
	for _, folder := range []struct{ name, root string }{{"history file", root}, {"every release read", direct}} {
		db, err := buildRelease(t, folder.root, "r5", cat)
		if err != nil {
			t.Fatalf("%s: release 5: %v", folder.name, err)
		}
		if got := hiddenCells(publishedCells(t, db, cat, "observations")); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: release 5 hides %v, want %v", folder.name, got, want)
		}
	}
	a, b := readHistoryParts(t, root, "r5"), readHistoryParts(t, direct, "r5")
	if !reflect.DeepEqual(a, b) {
		t.Errorf("release 5's history differs between the two folders:\n%v\n%v", a, b)
	}
}

// readHistoryParts counts the rows of each part of release id's history.
func readHistoryParts(t *testing.T, root, id string) map[string]int64 {
	t.Helper()
	path := filepath.Join(schemas.Layout{Root: root}.Release(id), filepath.FromSlash(schemas.DisclosureHistoryParquet))
	rows, err := openTest(t).db.QueryContext(context.Background(),
		`SELECT part, count(*) FROM read_parquet($file::VARCHAR) GROUP BY part`, sql.Named("file", path))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var part string
		var n int64
		if err := rows.Scan(&part, &n); err != nil {
			t.Fatal(err)
		}
		out[part] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestHistoryFolderEdited checks that no figure an earlier release
// published is forgotten whatever was done to the releases folder by
// hand. In each case one release published council A's Q1 P1 12/3000
// and the others only P2 15/4000 and P3 20/5000; the build after it gets
// Q1's council-wide 49/13000 and a small P4 2/1000 beside P1 to P3. P1
// must count as published, so the total is hidden with P4, not P1
// (TestHistoryKnown's case); had P1's publication been forgotten, P1
// would be hidden instead.
func TestHistoryFolderEdited(t *testing.T) {
	t.Parallel()
	withP1 := []obs{falls("P1", dq1, 12, 3000), falls("P2", dq1, 15, 4000), falls("P3", dq1, 20, 5000)}
	withoutP1 := []obs{falls("P2", dq1, 15, 4000), falls("P3", dq1, 20, 5000)}
	// elsewhere builds rows as release id of another data folder and
	// links it into root's releases folder, as a release archived
	// elsewhere and linked back.
	elsewhere := func(t *testing.T, cat *schemas.Catalogue, root, id string, rows []obs) {
		other := writeDataDir(t, sub{ID: "o1", Council: cA, Received: day("2025-04-01"), Rows: rows})
		if _, err := buildRelease(t, other, id, cat); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(schemas.Layout{Root: other}.Release(id), schemas.Layout{Root: root}.Release(id)); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		Name      string
		Setup     func(t *testing.T, cat *schemas.Catalogue, root string)
		Histories []string
		Direct    []string
	}{
		{"the release that published P1 removed", func(t *testing.T, cat *schemas.Catalogue, root string) {
			// Release 2's return leaves P1 out, withdrawing it; release 1,
			// which published it, is then removed from the folder.
			addSubmissions(t, root, sub{ID: "e1", Council: cA, Received: day("2025-04-10"), Rows: withP1})
			if _, err := buildRelease(t, root, "r1", cat); err != nil {
				t.Fatal(err)
			}
			addSubmissions(t, root, sub{ID: "e2", Council: cA, Received: day("2025-05-10"), Rows: withoutP1})
			if _, err := buildRelease(t, root, "r2", cat); err != nil {
				t.Fatal(err)
			}
			if err := os.RemoveAll(schemas.Layout{Root: root}.Release("r1")); err != nil {
				t.Fatal(err)
			}
		}, []string{"r2"}, nil},
		{"a newer release without a history file", func(t *testing.T, cat *schemas.Catalogue, root string) {
			addSubmissions(t, root, sub{ID: "e1", Council: cA, Received: day("2025-04-10"), Rows: withoutP1})
			if _, err := buildRelease(t, root, "r1", cat); err != nil {
				t.Fatal(err)
			}
			addSubmissions(t, root, sub{ID: "e2", Council: cA, Received: day("2025-05-10"), Rows: withP1})
			if _, err := buildRelease(t, root, "r2", cat); err != nil {
				t.Fatal(err)
			}
			withoutHistory(t, root, "r2")
		}, []string{"r1"}, []string{"r2"}},
		{"an older release linked in later", func(t *testing.T, cat *schemas.Catalogue, root string) {
			addSubmissions(t, root, sub{ID: "e1", Council: cA, Received: day("2025-04-10"), Rows: withoutP1})
			for _, id := range []string{"r1", "r2"} {
				if _, err := buildRelease(t, root, id, cat); err != nil {
					t.Fatal(err)
				}
			}
			elsewhere(t, cat, root, "r0", withP1)
		}, []string{"r2", "r0"}, nil},
		{"the newest release from another data folder", func(t *testing.T, cat *schemas.Catalogue, root string) {
			addSubmissions(t, root, sub{ID: "e1", Council: cA, Received: day("2025-04-10"), Rows: withP1})
			if _, err := buildRelease(t, root, "r1", cat); err != nil {
				t.Fatal(err)
			}
			elsewhere(t, cat, root, "r9", withoutP1)
		}, []string{"r9", "r1"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			t.Parallel()
			cat := disclosureCatalogue(t)
			root := t.TempDir()
			tt.Setup(t, cat, root)
			p := planOf(t, root)
			if !reflect.DeepEqual(historyIDs(p), tt.Histories) || !reflect.DeepEqual(directIDs(p), tt.Direct) {
				t.Errorf("plan reads histories %v, direct %v; want histories %v, direct %v",
					historyIDs(p), directIDs(p), tt.Histories, tt.Direct)
			}
			addSubmissions(t, root, sub{ID: "e3", Council: cA, Received: day("2025-06-10"), Rows: append([]obs{
				falls("", dq1, 49, 13000), falls("P4", dq1, 2, 1000)}, withP1...)})
			db, err := buildRelease(t, root, "r99", cat)
			if err != nil {
				t.Fatal(err)
			}
			want := []cellKey{{cA, "", svcCare, mFalls, dq1}, {cA, "P4", svcCare, mFalls, dq1}}
			if got := hiddenCells(publishedCells(t, db, cat, "observations")); !reflect.DeepEqual(got, want) {
				t.Errorf("hides %v, want %v", got, want)
			}
		})
	}
}

// TestHistoryForeignRelease checks that a release linked in from another
// data folder, newest, does not hide this folder's own histories: what
// only they remember (a release removed by hand) is still read. Council
// A's ch-falls in Q1, worked by hand:
//
//	r1  total 30/9000, P1 3/2000 (small), P2 12/3000, P3 15/4000: P1 is
//	    hidden and P2 with it; a reader knows P1 + P2 = 15.
//	r2  the council resends Q1 with P3 alone; r2's history still holds
//	    r1's P1 and P2 as withheld. r1 is then removed by hand.
//	r3  a release of another data folder (council B), with its own
//	    history, linked in.
//	r4  the council resends r1's rows with the total 50/10000 and P4
//	    20/1000. P2 must stay withheld, as r1 withheld it: shown, r1's
//	    total less P3 and P2 gives P1's 3. r4 reads r3's history and then
//	    r2's, which r3's does not cover; were r2 read only through its
//	    observations, which no longer hold P1 or P2, P2 would be shown.
//
// The control builds the same folder without r3.
func TestHistoryForeignRelease(t *testing.T) {
	t.Parallel()
	full := []obs{falls("", dq1, 30, 9000), falls("P1", dq1, 3, 2000), falls("P2", dq1, 12, 3000), falls("P3", dq1, 15, 4000)}
	for _, foreign := range []bool{false, true} {
		name := "control"
		if foreign {
			name = "a release of another folder linked in"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cat := disclosureCatalogue(t)
			root := writeDataDir(t, sub{ID: "f1", Council: cA, Received: day("2025-04-10"), Rows: full})
			if _, err := buildRelease(t, root, "r1", cat); err != nil {
				t.Fatal(err)
			}
			addSubmissions(t, root, sub{ID: "f2", Council: cA, Received: day("2025-05-10"), Rows: []obs{falls("P3", dq1, 15, 4000)}})
			if _, err := buildRelease(t, root, "r2", cat); err != nil {
				t.Fatal(err)
			}
			layout := schemas.Layout{Root: root}
			if err := os.RemoveAll(layout.Release("r1")); err != nil {
				t.Fatal(err)
			}
			wantHistories := []string{"r2"}
			if foreign {
				other := writeDataDir(t, sub{ID: "o1", Council: cB, Received: day("2025-04-10"), Rows: []obs{
					{Provider: "Q1", Service: svcCare, Metric: mFalls, Period: dq1, Num: i64(40), Den: i64(9000)}}})
				if _, err := buildRelease(t, other, "r3", cat); err != nil {
					t.Fatal(err)
				}
				if err := os.Symlink(schemas.Layout{Root: other}.Release("r3"), layout.Release("r3")); err != nil {
					t.Fatal(err)
				}
				wantHistories = []string{"r3", "r2"}
			}
			if p := planOf(t, root); !reflect.DeepEqual(historyIDs(p), wantHistories) || len(p.Direct) != 0 {
				t.Errorf("plan reads histories %v, direct %v; want histories %v alone", historyIDs(p), directIDs(p), wantHistories)
			}
			rows := append([]obs{falls("", dq1, 50, 10000), falls("P4", dq1, 20, 1000)}, full[1:]...)
			addSubmissions(t, root, sub{ID: "f4", Council: cA, Received: day("2025-06-10"), Rows: rows})
			db, err := buildRelease(t, root, "r4", cat)
			if err != nil {
				t.Fatal(err)
			}
			if c := publishedCells(t, db, cat, "observations")[cellKey{cA, "P2", svcCare, mFalls, dq1}]; c.Status != "c" {
				t.Errorf("P2 shown as %+v; r1 (public, removed by hand) published total 30 and P3 15 with P1 and "+
					"P2 withheld, so P1 = 30 - 15 - 12 = 3", *c.Counts)
			}
		})
	}
}

// TestHistoryAuditRepeats checks that the interval audit's input does not
// grow with the number of releases that republish the same figures.
// Council A's ch-falls in Q1, worked by hand: total 50/12000, P1 3/2000
// (small), P2 12/3000, P3 35/7000; P1 is hidden and P2 with it, so each
// release publishes one group with hidden members, of four members (the
// total and three homes). After one release or five with these same
// figures, the next build's audit reads that group once: four rows of
// earlier releases. Each repeat would be the same equation over unknowns
// of that release alone, which bounds nothing more.
func TestHistoryAuditRepeats(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cat := disclosureCatalogue(t)
	root := writeDataDir(t, sub{ID: "g1", Council: cA, Received: day("2025-04-10"), Rows: []obs{
		falls("", dq1, 50, 12000), falls("P1", dq1, 3, 2000), falls("P2", dq1, 12, 3000), falls("P3", dq1, 35, 7000),
	}})
	// earlierRows builds root once more and returns how many rows of
	// audit_members.sql come from earlier releases.
	earlierRows := func() int {
		var n int
		in := BuildInput{DataDir: root, Catalogue: cat, Councils: fixtureCouncils(t), Neighbours: 2,
			afterSuppress: func(ctx context.Context, conn *sql.Conn) error {
				return countAuditMembers(ctx, conn, "release <> ''", &n)
			}}
		if err := openTest(t).Build(ctx, in); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for i := 1; i <= 5; i++ {
		if _, err := buildRelease(t, root, fmt.Sprintf("r%d", i), cat); err != nil {
			t.Fatal(err)
		}
		if i != 1 && i != 5 {
			continue
		}
		if n := earlierRows(); n != 4 {
			t.Errorf("after %d releases of the same figures the audit reads %d rows of earlier releases, want 4", i, n)
		}
	}
}

// TestAuditMembersScopedAsWhole checks that the interval audit reads the
// same members of a unit, earlier releases' with the councils' figures
// of their hidden cells, whether it reads every unit or only some again
// ($units, as suppression's later rounds do), each one's rows no more
// and no fewer. Councils A and B each return ch-falls in Q1, P1's small
// and hidden with P2's, as in TestHistoryAuditRepeats; release r1
// publishes that, and the next build's audit reads its groups.
func TestAuditMembersScopedAsWhole(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cat := disclosureCatalogue(t)
	fallsOf := func(council string) sub {
		return sub{ID: "g" + council, Council: council, Received: day("2025-04-10"), Rows: []obs{
			falls("", dq1, 50, 12000), falls("P1", dq1, 3, 2000), falls("P2", dq1, 12, 3000), falls("P3", dq1, 35, 7000),
		}}
	}
	root := writeDataDir(t, fallsOf(cA), fallsOf(cB))
	if _, err := buildRelease(t, root, "r1", cat); err != nil {
		t.Fatal(err)
	}
	// members returns audit_members.sql's rows for units (nil: every
	// unit), each as text, by unit.
	members := func(ctx context.Context, conn *sql.Conn, units []string) (map[string][]string, error) {
		rows, err := queryAuditMembers(ctx, conn, units,
			"SELECT concat_ws(chr(31), council_code, service, metric), CAST(t AS VARCHAR) FROM (%s) t ORDER BY ALL")
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		out := map[string][]string{}
		for rows.Next() {
			var unit, row string
			if err := rows.Scan(&unit, &row); err != nil {
				return nil, err
			}
			out[unit] = append(out[unit], row)
		}
		return out, rows.Err()
	}
	var whole, listed map[string][]string
	single := map[string]map[string][]string{}
	var truths int
	in := BuildInput{DataDir: root, Catalogue: cat, Councils: fixtureCouncils(t), Neighbours: 2,
		afterSuppress: func(ctx context.Context, conn *sql.Conn) error {
			var err error
			if whole, err = members(ctx, conn, nil); err != nil {
				return err
			}
			units := slices.Sorted(maps.Keys(whole))
			if listed, err = members(ctx, conn, units); err != nil {
				return err
			}
			for _, u := range units {
				if single[u], err = members(ctx, conn, []string{u}); err != nil {
					return err
				}
			}
			return countAuditMembers(ctx, conn, "release <> '' AND tx IS NOT NULL", &truths)
		}}
	if err := openTest(t).Build(ctx, in); err != nil {
		t.Fatal(err)
	}
	if len(whole) != 2 {
		t.Fatalf("the audit read the members of %d units, want 2 (each council's ch-falls): %v", len(whole), whole)
	}
	if truths == 0 {
		t.Fatalf("no member of r1's groups came with the councils' figures; the test needs some")
	}
	if !reflect.DeepEqual(listed, whole) {
		t.Errorf("every unit named:\n%v\nevery unit read:\n%v", listed, whole)
	}
	for u, got := range single {
		if want := map[string][]string{u: whole[u]}; !reflect.DeepEqual(got, want) {
			t.Errorf("unit %q alone:\n%v\nwant:\n%v", u, got, want)
		}
	}
}

// countAuditMembers sets n to how many rows of audit_members.sql, every
// unit read, match where.
func countAuditMembers(ctx context.Context, conn *sql.Conn, where string, n *int) error {
	rows, err := queryAuditMembers(ctx, conn, nil, "SELECT count(*) FILTER (WHERE "+where+") FROM (%s)")
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		return fmt.Errorf("no count: %w", rows.Err())
	}
	if err := rows.Scan(n); err != nil {
		return err
	}
	return rows.Err()
}

// TestHistoryTablesHoldEachOnce checks that a build reading two histories
// that share figures holds each figure and each linked group's member
// once (history_distinct.sql): history_merge_parts.sql adds a file's
// parts as they are, and the audit would count a member given twice
// twice in its group's equation. Releases r1 and r2 of this folder and
// r0 of another, linked in, published the same figures of council A's
// Q1 (TestHistoryForeignRelease's r1: a total, P1 small and hidden, P2
// hidden with it), so r2's history and r0's hold the same figures and
// the same linked group.
func TestHistoryTablesHoldEachOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cat := disclosureCatalogue(t)
	root := t.TempDir()
	full := []obs{falls("", dq1, 30, 9000), falls("P1", dq1, 3, 2000), falls("P2", dq1, 12, 3000), falls("P3", dq1, 15, 4000)}
	addSubmissions(t, root, sub{ID: "e1", Council: cA, Received: day("2025-04-10"), Rows: full})
	for _, id := range []string{"r1", "r2"} {
		if _, err := buildRelease(t, root, id, cat); err != nil {
			t.Fatal(err)
		}
	}
	other := writeDataDir(t, sub{ID: "o1", Council: cA, Received: day("2025-04-10"), Rows: full})
	if _, err := buildRelease(t, other, "r0", cat); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(schemas.Layout{Root: other}.Release("r0"), schemas.Layout{Root: root}.Release("r0")); err != nil {
		t.Fatal(err)
	}
	if got := historyIDs(planOf(t, root)); !reflect.DeepEqual(got, []string{"r2", "r0"}) {
		t.Fatalf("plan reads histories %v, want r2 and r0", got)
	}
	var counts [][]int64
	in := BuildInput{DataDir: root, Catalogue: cat, Councils: fixtureCouncils(t), Neighbours: 2,
		afterSuppress: func(ctx context.Context, conn *sql.Conn) error {
			for _, table := range []string{"history_shown", "history_hidden", "history_members"} {
				var n, distinct int64
				q := "SELECT count(*), (SELECT count(*) FROM (SELECT DISTINCT * FROM " + table + ")) FROM " + table
				if err := conn.QueryRowContext(ctx, q).Scan(&n, &distinct); err != nil {
					return err
				}
				counts = append(counts, []int64{n, distinct})
			}
			return nil
		}}
	if err := openTest(t).Build(ctx, in); err != nil {
		t.Fatal(err)
	}
	// Shown: the total and P3; hidden: P1 and P2; the group: the total
	// and its three parts.
	want := [][]int64{{2, 2}, {2, 2}, {4, 4}}
	if !slices.EqualFunc(counts, want, slices.Equal) {
		t.Errorf("history_shown, history_hidden, history_members (rows, distinct rows) = %v, want %v", counts, want)
	}
}
