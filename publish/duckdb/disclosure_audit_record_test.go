package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/yardstick-open/yardstick/schemas"
)

// recordedBuild builds root as release id, as buildRelease does, then
// writes the record of its audit where publish writes it, and returns
// the release's hidden cells and what the build's log said of its
// interval audits.
func recordedBuild(t *testing.T, root, id string, cat *schemas.Catalogue) ([]cellKey, []string) {
	t.Helper()
	var mu sync.Mutex
	var audits []string
	logf := func(format string, args ...any) {
		line := fmt.Sprintf(format, args...)
		if strings.HasPrefix(line, "interval audit") || strings.Contains(line, "record of release") {
			mu.Lock()
			audits = append(audits, line)
			mu.Unlock()
		}
	}
	db, err := buildReleaseLogged(t, root, id, cat, logf)
	if err != nil {
		t.Fatalf("release %s: %v", id, err)
	}
	layout := schemas.Layout{Root: root}
	history := filepath.Join(layout.Release(id), filepath.FromSlash(schemas.DisclosureHistoryParquet))
	if err := db.WriteAuditRecord(context.Background(), layout.AuditRecord(id), history); err != nil {
		t.Fatal(err)
	}
	return hiddenCells(publishedCells(t, db, cat, "observations")), audits
}

// fallsGroup is a council's care homes' falls for one quarter: a
// council-wide total and three providers, P1's 3 small, so that P1 is
// hidden and a second provider with it, and the interval audit has a
// group with hidden members to bound.
func fallsGroup(id, council string, p3 int64) sub {
	return sub{ID: id, Council: council, Received: day("2025-04-10"), Rows: []obs{
		falls("", dq1, 50+p3-35, 12000), falls("P1", dq1, 3, 2000), falls("P2", dq1, 12, 3000),
		falls("P3", dq1, p3, 7000),
	}}
}

// TestAuditStartsFromRecord checks that a build whose history is the one
// release before it audits again only the units changed since that
// release's audit, and hides exactly what a build auditing every unit
// hides; and that a record made for another history, or under another
// catalogue, is not used.
func TestAuditStartsFromRecord(t *testing.T) {
	t.Parallel()
	cat := disclosureCatalogue(t)
	root := writeDataDir(t, fallsGroup("a1", cA, 35), fallsGroup("b1", cB, 35))
	layout := schemas.Layout{Root: root}
	_, audits := recordedBuild(t, root, "r1", cat)
	// Each council's unit is two components, as release 1's audit counts
	// them.
	if len(audits) == 0 || !strings.Contains(audits[0], "every unit read, 4 components solved") {
		t.Fatalf("release 1, with no release before it: audits %q, want every unit read, 4 components", audits)
	}

	// Council B resends its quarter with P3's falls revised.
	addSubmissions(t, root, fallsGroup("b2", cB, 36))
	// The same build, without the record, audits every unit: what it
	// hides is what the build from the record must hide.
	record := layout.AuditRecord("r1")
	aside := record + ".aside"
	if err := os.Rename(record, aside); err != nil {
		t.Fatal(err)
	}
	full := hiddenBuilt(t, root, cat)
	if err := os.Rename(aside, record); err != nil {
		t.Fatal(err)
	}
	hidden, audits := recordedBuild(t, root, "r2", cat)
	if len(audits) == 0 ||
		!strings.Contains(audits[0], "1 units changed since release r1's audit read, the others as it passed them, 2 components solved") {
		t.Errorf("release 2, council B changed: audits %q, want its unit alone read, changed since r1, 2 components", audits)
	}
	if !reflect.DeepEqual(hidden, full) {
		t.Errorf("release 2 from r1's record hides %v, auditing every unit %v", hidden, full)
	}
	if len(hidden) < 4 {
		t.Errorf("release 2 hides %v, want P1 and a second provider of each council", hidden)
	}

	// Nothing changed since release 2.
	_, audits = recordedBuild(t, root, "r3", cat)
	if len(audits) == 0 || !strings.Contains(audits[0], "nothing changed since release r2's audit") {
		t.Errorf("release 3, nothing changed: audits %q, want nothing read", audits)
	}

	// A record made for another history is not used.
	other := filepath.Join(layout.Release("r1"), filepath.FromSlash(schemas.DisclosureHistoryParquet))
	db := openTest(t)
	if err := db.Build(context.Background(), BuildInput{DataDir: root, Catalogue: cat, Councils: fixtureCouncils(t), Neighbours: 2}); err != nil {
		t.Fatal(err)
	}
	if err := db.WriteAuditRecord(context.Background(), layout.AuditRecord("r3"), other); err != nil {
		t.Fatal(err)
	}
	_, audits = recordedBuild(t, root, "r4", cat)
	if len(audits) < 2 || !strings.Contains(audits[0], "made for another disclosure history") ||
		!strings.Contains(audits[1], "every unit read") {
		t.Errorf("release 4, r3's record made for r1's history: audits %q, want it refused and every unit read", audits)
	}

	// Nor one that cannot be read: every unit is audited.
	if err := os.WriteFile(layout.AuditRecord("r4"), []byte("not a record"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, audits = recordedBuild(t, root, "r4b", cat)
	if len(audits) < 2 || !strings.Contains(audits[0], "cannot read the record of release r4's audit") ||
		!strings.Contains(audits[1], "every unit read") {
		t.Errorf("release 4b, r4's record unreadable: audits %q, want it said and every unit read", audits)
	}

	// Nor one made under another catalogue.
	changed, err := cat.Merge(&schemas.Catalogue{Metrics: []schemas.Metric{{
		ID: "test-unused", Title: "Test metric no row has", Services: []string{svcCare}, Kind: schemas.KindCount,
		Unit: schemas.UnitNumber, Multiplier: 1, Polarity: schemas.LowerIsBetter,
	}}})
	if err != nil {
		t.Fatal(err)
	}
	_, audits = recordedBuild(t, root, "r5", changed)
	if len(audits) < 2 || !strings.Contains(audits[0], "under other rules") || !strings.Contains(audits[1], "every unit read") {
		t.Errorf("release 5, another catalogue: audits %q, want r4b's record refused and every unit read", audits)
	}
}

// hiddenBuilt builds the data folder root as it stands and returns its
// hidden cells, writing no release.
func hiddenBuilt(t *testing.T, root string, cat *schemas.Catalogue) []cellKey {
	t.Helper()
	db := openTest(t)
	if err := db.Build(context.Background(), BuildInput{DataDir: root, Catalogue: cat, Councils: fixtureCouncils(t), Neighbours: 2}); err != nil {
		t.Fatal(err)
	}
	return hiddenCells(publishedCells(t, db, cat, "observations"))
}

// TestAuditRecordChangedUnits checks that the record's digest
// (audit_record_digest.sql) names a unit changed when only the councils'
// own figures of a hidden cell changed, which the published figures do
// not show, and when a figure shown changed, and nothing when nothing
// did, though every row has another rowid.
func TestAuditRecordChangedUnits(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := testSession(t, openTest(t))
	if err := s.exec(ctx, "create_observations"); err != nil {
		t.Fatal(err)
	}
	insert := `INSERT INTO observations
		(council_code, provider_id, service, metric, period, numerator, denominator, value, status, submission_id)
		VALUES ('A', 'P1', 'care-home', 'falls', '2025-Q1', NULL, NULL, NULL, 'c', 's'),
		       ('A', 'P2', 'care-home', 'falls', '2025-Q1', 12, 3000, NULL, '', 's'),
		       ('B', 'P1', 'care-home', 'falls', '2025-Q1', 20, 4000, NULL, '', 's')`
	truth := `CREATE OR REPLACE TEMP TABLE disclosure_truth AS
		SELECT rowid AS rid, council_code, provider_id, service, metric, period, '' AS status,
		       coalesce(numerator, 3) AS numerator, coalesce(denominator, 2000) AS denominator, value,
		       status = 'c' AS is_primary
		FROM observations`
	for _, q := range []string{insert, truth} {
		if _, err := s.conn.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.exec(ctx, "audit_record_digest"); err != nil {
		t.Fatal(err)
	}
	if err := s.exec(ctx, "audit_record"); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "record.parquet")
	if err := s.exec(ctx, "audit_record_write", sql.Named("path", file), sql.Named("history_sha256", "h"),
		sql.Named("rules", "r")); err != nil {
		t.Fatal(err)
	}
	if err := s.exec(ctx, "audit_record_prior", sql.Named("file", file)); err != nil {
		t.Fatal(err)
	}
	changed := func() [][3]string {
		t.Helper()
		cells, err := changedCells(ctx, s, "audit_record_changed")
		if err != nil {
			t.Fatal(err)
		}
		return cells
	}
	if got := changed(); len(got) != 0 {
		t.Fatalf("nothing changed, yet %v", got)
	}
	// The same rows again, each under another rowid: the next build's.
	if _, err := s.conn.ExecContext(ctx, `CREATE OR REPLACE TABLE observations AS
		SELECT * FROM observations ORDER BY council_code DESC, provider_id DESC`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.conn.ExecContext(ctx, truth); err != nil {
		t.Fatal(err)
	}
	if got := changed(); len(got) != 0 {
		t.Fatalf("the same rows under other rowids: changed %v, want nothing", got)
	}
	fallsA := [][3]string{{"A", "care-home", "falls"}}
	checkUnitChanges(ctx, t, s, changed, []unitChange{
		{"a hidden cell's own count", `UPDATE disclosure_truth SET numerator = 4 WHERE status = '' AND is_primary`,
			`UPDATE disclosure_truth SET numerator = 3 WHERE is_primary`, fallsA},
		{"a figure shown", `UPDATE observations SET numerator = 13 WHERE council_code = 'A' AND provider_id = 'P2'`,
			`UPDATE observations SET numerator = 12 WHERE council_code = 'A' AND provider_id = 'P2'`, fallsA},
		{"a cell hidden for itself no longer", `UPDATE disclosure_truth SET is_primary = false WHERE is_primary`,
			`UPDATE disclosure_truth SET is_primary = true WHERE council_code = 'A' AND provider_id = 'P1'`, fallsA},
		{"a hidden cell's own denominator", `UPDATE disclosure_truth SET denominator = 2001 WHERE is_primary`,
			`UPDATE disclosure_truth SET denominator = 2000 WHERE is_primary`, fallsA},
		{"a council's own status", `UPDATE disclosure_truth SET status = 'c' WHERE is_primary`,
			`UPDATE disclosure_truth SET status = '' WHERE is_primary`, fallsA},
		{"a status shown", `UPDATE observations SET status = 'c' WHERE council_code = 'A' AND provider_id = 'P2'`,
			`UPDATE observations SET status = '' WHERE council_code = 'A' AND provider_id = 'P2'`, fallsA},
		{"a denominator shown", `UPDATE observations SET denominator = 3001 WHERE council_code = 'A' AND provider_id = 'P2'`,
			`UPDATE observations SET denominator = 3000 WHERE council_code = 'A' AND provider_id = 'P2'`, fallsA},
		{"a value shown", `UPDATE observations SET value = 4 WHERE council_code = 'A' AND provider_id = 'P2'`,
			`UPDATE observations SET value = NULL WHERE council_code = 'A' AND provider_id = 'P2'`, fallsA},
		// The published figures of two cells trade places: each table's
		// rows hold the same figures as before, under other keys.
		{"figures shown that trade cells", `UPDATE observations SET provider_id = CASE provider_id WHEN 'P1' THEN 'P2' ELSE 'P1' END
				WHERE council_code = 'A'`,
			`UPDATE observations SET provider_id = CASE provider_id WHEN 'P1' THEN 'P2' ELSE 'P1' END WHERE council_code = 'A'`, fallsA},
		// The audit reads a published status only as [c] or not: a cell
		// marked revised in one release is no change in the next.
		{"a cell marked revised", `UPDATE observations SET status = 'r' WHERE council_code = 'A' AND provider_id = 'P2'`,
			`UPDATE observations SET status = '' WHERE council_code = 'A' AND provider_id = 'P2'`, nil},
	})
}
