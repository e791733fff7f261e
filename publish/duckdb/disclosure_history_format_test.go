package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/yardstick-open/yardstick/schemas"
)

// historyPath is release id's data/disclosure-history.parquet in root.
func historyPath(root, id string) string {
	return filepath.Join(schemas.Layout{Root: root}.Release(id), filepath.FromSlash(schemas.DisclosureHistoryParquet))
}

// TestHistoryDoesNotGrow checks that a history does not grow with the
// number of releases that publish the same figures: each adds its own
// release row and nothing more. Council A's ch-falls in Q1, worked by
// hand: total 50/12000, P1 3/2000 (small), P2 12/3000, P3 35/7000. P1 is
// hidden and P2 with it (the part with a count and the smallest
// denominator), so every release's history holds:
//
//	shown    the total and P3                               2 rows
//	hidden   P1 and P2                                      2 rows
//	member   the one group with hidden members: the total
//	         and three homes                                4 rows
//	set      that group, the one set every release shares   1 row
//	release  one per release covered                        i rows
//
// so 9 rows besides the releases', whatever the number of releases. The
// first format also kept one row per release and group (part 'appears'),
// so its history of release i held 8 + i rows besides the releases'.
func TestHistoryDoesNotGrow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cat := disclosureCatalogue(t)
	root := writeDataDir(t, sub{ID: "g1", Council: cA, Received: day("2025-04-10"), Rows: []obs{
		falls("", dq1, 50, 12000), falls("P1", dq1, 3, 2000), falls("P2", dq1, 12, 3000), falls("P3", dq1, 35, 7000),
	}})
	db := openTest(t)
	for i := 1; i <= 6; i++ {
		id := fmt.Sprintf("r%d", i)
		if _, err := buildRelease(t, root, id, cat); err != nil {
			t.Fatal(err)
		}
		var releases, others int64
		err := db.db.QueryRowContext(ctx, `
			SELECT count(*) FILTER (WHERE part = 'release'), count(*) FILTER (WHERE part <> 'release')
			FROM read_parquet($file::VARCHAR)`, sql.Named("file", historyPath(root, id))).Scan(&releases, &others)
		if err != nil {
			t.Fatal(err)
		}
		if releases != int64(i) || others != 9 {
			t.Errorf("release %d's history holds %d release rows and %d others; want %d and 9", i, releases, others, i)
		}
	}
}

// TestHistoryFirstFormat checks that a history in the first format
// (testdata/disclosure/history-v1-r4.parquet: release 4's history of
// fourReleases' folder, as the code before sets of groups wrote it at
// commit 47bb5ab, with
// its part 'appears' and no sig_set column) is still read, and that
// release 5 built on it hides what it hides on the history of today's
// format, worked by hand in TestHistoryFileReadAlone: Q1's total and P4,
// and Q2's P1 and P2. Release 5's own history is the same either way,
// row for row: the first format's groups of each release become the same
// sets.
func TestHistoryFirstFormat(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cat := disclosureCatalogue(t)
	root := fourReleases(t, cat)
	old := t.TempDir()
	if err := os.CopyFS(old, os.DirFS(root)); err != nil {
		t.Fatal(err)
	}
	fixture, err := os.ReadFile(filepath.Join("testdata", "disclosure", "history-v1-r4.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(historyPath(old, "r4"), fixture, 0o644); err != nil {
		t.Fatal(err)
	}
	db := openTest(t)
	var appears, hasSet int64
	err = db.db.QueryRowContext(ctx, `
		SELECT (SELECT count(*) FROM read_parquet($file::VARCHAR) WHERE part = 'appears'),
		       (SELECT count(*) FROM parquet_schema($file::VARCHAR) WHERE name = 'sig_set')`,
		sql.Named("file", historyPath(old, "r4"))).Scan(&appears, &hasSet)
	if err != nil {
		t.Fatal(err)
	}
	// Releases 2, 3 and 4 each published Q2's group.
	if appears != 3 || hasSet != 0 {
		t.Fatalf("the fixture has %d rows 'appears' and sig_set %d times; want 3 and none (the first format)", appears, hasSet)
	}

	p := planOf(t, old)
	if !reflect.DeepEqual(historyIDs(p), []string{"r4"}) || !p.Histories[0].FirstFormat || len(p.Direct) != 0 ||
		!reflect.DeepEqual(coveredIDs(p), []string{"r1", "r2", "r3", "r4"}) {
		t.Fatalf("plan reads histories %v (first format %v) covering %v, direct %v; want release 4's history alone, "+
			"in the first format, covering releases 1 to 4", historyIDs(p), len(p.Histories) > 0 && p.Histories[0].FirstFormat,
			coveredIDs(p), directIDs(p))
	}
	want := []cellKey{{cA, "", svcCare, mFalls, dq1}, {cA, "P1", svcCare, mFalls, dq2},
		{cA, "P2", svcCare, mFalls, dq2}, {cA, "P4", svcCare, mFalls, dq1}}
	for _, folder := range []struct{ name, root string }{{"today's format", root}, {"first format", old}} {
		built, err := buildRelease(t, folder.root, "r5", cat)
		if err != nil {
			t.Fatalf("%s: release 5: %v", folder.name, err)
		}
		if got := hiddenCells(publishedCells(t, built, cat, "observations")); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: release 5 hides %v, want %v", folder.name, got, want)
		}
	}
	var differ int64
	err = db.db.QueryRowContext(ctx, `
		SELECT count(*) FROM (
			(SELECT * FROM read_parquet($a::VARCHAR) EXCEPT ALL SELECT * FROM read_parquet($b::VARCHAR))
			UNION ALL
			(SELECT * FROM read_parquet($b::VARCHAR) EXCEPT ALL SELECT * FROM read_parquet($a::VARCHAR)))`,
		sql.Named("a", historyPath(root, "r5")), sql.Named("b", historyPath(old, "r5"))).Scan(&differ)
	if err != nil {
		t.Fatal(err)
	}
	if differ != 0 {
		t.Errorf("release 5's history differs in %d rows between a folder whose release 4 has a history in the first "+
			"format and one in today's", differ)
	}
}

// TestHistoryFirstFormatUpgrade checks the first publish in a folder of
// releases made by publish (each with its release.json) whose newest
// history is in the first format, which recorded no release's SHA-256:
// its entries cannot vouch for this folder's releases, so every
// release's history is read once, newest first; the history that
// publish writes records every hash, and the publish after it reads that
// one file. Release 5 hides what TestHistoryFileReadAlone works out.
func TestHistoryFirstFormatUpgrade(t *testing.T) {
	t.Parallel()
	cat := disclosureCatalogue(t)
	root := fourReleases(t, cat)
	for _, id := range []string{"r1", "r2", "r3", "r4"} {
		writeReleaseJSON(t, root, id)
	}
	fixture, err := os.ReadFile(filepath.Join("testdata", "disclosure", "history-v1-r4.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(historyPath(root, "r4"), fixture, 0o644); err != nil {
		t.Fatal(err)
	}
	if p := planOf(t, root); !reflect.DeepEqual(historyIDs(p), []string{"r4", "r3", "r2", "r1"}) || len(p.Direct) != 0 {
		t.Errorf("plan reads histories %v, direct %v; want every release's history, newest first", historyIDs(p), directIDs(p))
	}
	db, err := buildRelease(t, root, "r5", cat)
	if err != nil {
		t.Fatal(err)
	}
	want := []cellKey{{cA, "", svcCare, mFalls, dq1}, {cA, "P1", svcCare, mFalls, dq2},
		{cA, "P2", svcCare, mFalls, dq2}, {cA, "P4", svcCare, mFalls, dq1}}
	if got := hiddenCells(publishedCells(t, db, cat, "observations")); !reflect.DeepEqual(got, want) {
		t.Errorf("release 5 hides %v, want %v", got, want)
	}
	writeReleaseJSON(t, root, "r5")
	p := planOf(t, root)
	hashed := 0
	for _, k := range p.Covered {
		if k.SHA256 != "" {
			hashed++
		}
	}
	if !reflect.DeepEqual(historyIDs(p), []string{"r5"}) || len(p.Direct) != 0 || hashed != 5 || len(p.Covered) != 5 {
		t.Errorf("after release 5, plan reads histories %v, direct %v, covering %v; want release 5's history alone, "+
			"covering releases 1 to 5 each with its hash", historyIDs(p), directIDs(p), p.Covered)
	}
}

// writeReleaseJSON writes a release.json for release id of the data
// folder root, as publish would: it names the release and, standing in
// for the moment publish made it, the folder, so that releases of two
// folders with the same id differ in it.
func writeReleaseJSON(t *testing.T, root, id string) {
	t.Helper()
	b := fmt.Appendf(nil, "{\"id\": %q, \"made_in\": %q}\n", id, root)
	if err := os.WriteFile(filepath.Join(schemas.Layout{Root: root}.Release(id), schemas.ReleaseFile), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestHistoryNameClash checks that a release of another data folder with
// the id of one of this folder's is not taken for it. In each case one
// release published council A's Q1 P1 12/3000 and the others only P2
// 15/4000 and P3 20/5000, and the build after gets Q1's council-wide
// 49/13000 and a small P4 2/1000 beside P1 to P3: P1 must count as
// published, so the total is hidden with P4, not P1 (TestHistoryKnown's
// case). Taking one release r1 for the other, as histories named
// releases by id alone did, forgets the r1 that published P1, and hides
// P1 instead.
func TestHistoryNameClash(t *testing.T) {
	t.Parallel()
	withP1 := []obs{falls("P1", dq1, 12, 3000), falls("P2", dq1, 15, 4000), falls("P3", dq1, 20, 5000)}
	withoutP1 := []obs{falls("P2", dq1, 15, 4000), falls("P3", dq1, 20, 5000)}
	// foreign builds releases ids of another data folder from rows, each
	// with its release.json, and links the last into root.
	foreign := func(t *testing.T, cat *schemas.Catalogue, root string, rows []obs, ids ...string) {
		other := writeDataDir(t, sub{ID: "o1", Council: cA, Received: day("2025-04-01"), Rows: rows})
		for _, id := range ids {
			if _, err := buildRelease(t, other, id, cat); err != nil {
				t.Fatal(err)
			}
			writeReleaseJSON(t, other, id)
		}
		last := ids[len(ids)-1]
		if err := os.Symlink(schemas.Layout{Root: other}.Release(last), schemas.Layout{Root: root}.Release(last)); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		Name      string
		Setup     func(t *testing.T, cat *schemas.Catalogue, root string)
		Histories []string
	}{
		{"a foreign history names this folder's r1", func(t *testing.T, cat *schemas.Catalogue, root string) {
			// This folder's r1 published P1; the other folder's r1 did
			// not, and its r9, linked in, covers it.
			addSubmissions(t, root, sub{ID: "e1", Council: cA, Received: day("2025-04-10"), Rows: withP1})
			if _, err := buildRelease(t, root, "r1", cat); err != nil {
				t.Fatal(err)
			}
			writeReleaseJSON(t, root, "r1")
			foreign(t, cat, root, withoutP1, "r1", "r9")
		}, []string{"r9", "r1"}},
		{"a foreign r1 in place of this folder's", func(t *testing.T, cat *schemas.Catalogue, root string) {
			// This folder's r1 and r2 did not publish P1; r1 is removed
			// by hand and the other folder's r1, which did, linked in its
			// place. r2's history covers this folder's r1, not that one.
			addSubmissions(t, root, sub{ID: "e1", Council: cA, Received: day("2025-04-10"), Rows: withoutP1})
			for _, id := range []string{"r1", "r2"} {
				if _, err := buildRelease(t, root, id, cat); err != nil {
					t.Fatal(err)
				}
				writeReleaseJSON(t, root, id)
			}
			if err := os.RemoveAll(schemas.Layout{Root: root}.Release("r1")); err != nil {
				t.Fatal(err)
			}
			foreign(t, cat, root, withP1, "r1")
		}, []string{"r2", "r1"}},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			t.Parallel()
			cat := disclosureCatalogue(t)
			root := t.TempDir()
			tt.Setup(t, cat, root)
			if p := planOf(t, root); !reflect.DeepEqual(historyIDs(p), tt.Histories) || len(p.Direct) != 0 {
				t.Errorf("plan reads histories %v, direct %v; want histories %v", historyIDs(p), directIDs(p), tt.Histories)
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
			// The next publish reads r99's history alone, which records
			// both releases r1, told apart by their release.json.
			writeReleaseJSON(t, root, "r99")
			p := planOf(t, root)
			var r1 int
			for _, k := range p.Covered {
				if k.ID == "r1" && k.SHA256 != "" {
					r1++
				}
			}
			if !reflect.DeepEqual(historyIDs(p), []string{"r99"}) || r1 != 2 {
				t.Errorf("after r99, plan reads histories %v covering %v; want r99's alone, covering two releases r1",
					historyIDs(p), p.Covered)
			}
		})
	}
}
