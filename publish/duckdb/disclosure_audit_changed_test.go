package duckdb

import (
	"context"
	"database/sql"
	"reflect"
	"testing"
)

// TestAuditChangedUnits checks what disclosure_audit_changed.sql finds
// changed since the audit's digest (disclosure_audit_seen.sql): nothing
// when nothing changed, and each kind of change to one row of a council,
// service and metric, from its status to a figure coming or going, names
// that unit alone, or the two it moves between. Council A's two rows of
// falls differ only in their provider, so that a digest that left out a
// column, or did not tell which row holds which figures, misses a case.
func TestAuditChangedUnits(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := testSession(t, openTest(t))
	if err := s.exec(ctx, "create_observations"); err != nil {
		t.Fatal(err)
	}
	// Rows by rowid, in insertion order: 0 and 1 are council A's falls,
	// 2 and 3 council B's, 4 council A's occupancy.
	if _, err := s.conn.ExecContext(ctx, `INSERT INTO observations
		(council_code, provider_id, service, metric, period, numerator, denominator, value, status, submission_id)
		VALUES ('A', 'P1', 'care-home', 'falls', '2025-Q1', 3, 2000, NULL, '', 's'),
		       ('A', 'P2', 'care-home', 'falls', '2025-Q1', 3, 2000, NULL, '', 's'),
		       ('B', 'P1', 'care-home', 'falls', '2025-Q1', 3, 2000, NULL, '', 's'),
		       ('B', 'P2', 'care-home', 'falls', '2025-Q1', 12, 3000, NULL, '', 's'),
		       ('A', 'P1', 'care-home', 'occupancy', '2025-Q1', NULL, NULL, 0.8, '', 's')`); err != nil {
		t.Fatal(err)
	}
	const token = 41
	c := &auditCache{token: token}
	changed := func() [][3]string {
		t.Helper()
		cells, err := changedCells(ctx, s, "disclosure_audit_changed", sql.Named("token", token))
		if err != nil {
			t.Fatal(err)
		}
		return cells
	}
	if err := c.takeDigest(ctx, s); err != nil {
		t.Fatal(err)
	}
	if got := changed(); len(got) != 0 {
		t.Fatalf("nothing changed, yet %v", got)
	}
	fallsA := [3]string{"A", "care-home", "falls"}
	fallsB := [3]string{"B", "care-home", "falls"}
	occupancyA := [3]string{"A", "care-home", "occupancy"}
	checkUnitChanges(ctx, t, s, changed, []unitChange{
		{"a status", `UPDATE observations SET status = 'c' WHERE rowid = 1`,
			`UPDATE observations SET status = '' WHERE rowid = 1`, [][3]string{fallsA}},
		// The audit reads a status only as [c] or not.
		{"a cell marked revised", `UPDATE observations SET status = 'r' WHERE rowid = 1`,
			`UPDATE observations SET status = '' WHERE rowid = 1`, nil},
		{"a numerator", `UPDATE observations SET numerator = 4 WHERE rowid = 3`,
			`UPDATE observations SET numerator = 12 WHERE rowid = 3`, [][3]string{fallsB}},
		{"a denominator", `UPDATE observations SET denominator = 2001 WHERE rowid = 0`,
			`UPDATE observations SET denominator = 2000 WHERE rowid = 0`, [][3]string{fallsA}},
		{"a value", `UPDATE observations SET value = 0.9 WHERE rowid = 4`,
			`UPDATE observations SET value = 0.8 WHERE rowid = 4`, [][3]string{occupancyA}},
		{"a figure hidden", `UPDATE observations SET numerator = NULL WHERE rowid = 2`,
			`UPDATE observations SET numerator = 3 WHERE rowid = 2`, [][3]string{fallsB}},
		{"a figure given", `UPDATE observations SET numerator = 0 WHERE rowid = 4`,
			`UPDATE observations SET numerator = NULL WHERE rowid = 4`, [][3]string{occupancyA}},
		// The two rows of council B swap figures: the unit's sums of
		// figures stay the same, its rows' do not.
		{"figures swapped between rows", `UPDATE observations SET numerator = CASE rowid WHEN 2 THEN 12 ELSE 3 END,
				denominator = CASE rowid WHEN 2 THEN 3000 ELSE 2000 END WHERE rowid IN (2, 3)`,
			`UPDATE observations SET numerator = CASE rowid WHEN 2 THEN 3 ELSE 12 END,
				denominator = CASE rowid WHEN 2 THEN 2000 ELSE 3000 END WHERE rowid IN (2, 3)`, [][3]string{fallsB}},
		// A numerator and denominator that trade places in one row.
		{"a row's numerator and denominator swapped", `UPDATE observations SET numerator = 2000, denominator = 3 WHERE rowid = 0`,
			`UPDATE observations SET numerator = 3, denominator = 2000 WHERE rowid = 0`, [][3]string{fallsA}},
		{"a provider", `UPDATE observations SET provider_id = 'P3' WHERE rowid = 1`,
			`UPDATE observations SET provider_id = 'P2' WHERE rowid = 1`, [][3]string{fallsA}},
		{"a period", `UPDATE observations SET period = '2025-Q2' WHERE rowid = 3`,
			`UPDATE observations SET period = '2025-Q1' WHERE rowid = 3`, [][3]string{fallsB}},
		// Council A's two rows of falls trade providers: the unit holds the
		// same rows as before, each under the other's rowid, by which the
		// audit joins its members to their rows (audit_members.sql).
		{"rows that trade rowids", `UPDATE observations SET provider_id = CASE rowid WHEN 0 THEN 'P2' ELSE 'P1' END WHERE rowid IN (0, 1)`,
			`UPDATE observations SET provider_id = CASE rowid WHEN 0 THEN 'P1' ELSE 'P2' END WHERE rowid IN (0, 1)`, [][3]string{fallsA}},
		// A row that moves to another council leaves a unit and joins one.
		{"a row moved between councils", `UPDATE observations SET council_code = 'B' WHERE rowid = 4`,
			`UPDATE observations SET council_code = 'A' WHERE rowid = 4`, [][3]string{occupancyA, {"B", "care-home", "occupancy"}}},
	})
	// A row added is a change of its unit.
	if _, err := s.conn.ExecContext(ctx, `INSERT INTO observations
		(council_code, provider_id, service, metric, period, numerator, denominator, value, status, submission_id)
		VALUES ('B', 'P3', 'care-home', 'falls', '2025-Q1', 1, 10, NULL, '', 's')`); err != nil {
		t.Fatal(err)
	}
	if got, want := changed(), [][3]string{fallsB}; !reflect.DeepEqual(got, want) {
		t.Errorf("a row added: changed %v, want %v", got, want)
	}
	// Another cache's reading names every unit.
	other := &auditCache{token: token + 1}
	if err := other.takeDigest(ctx, s); err != nil {
		t.Fatal(err)
	}
	if got, want := changed(), [][3]string{fallsA, occupancyA, fallsB}; !reflect.DeepEqual(got, want) {
		t.Errorf("another cache's reading: changed %v, want %v", got, want)
	}
}

// A unitChange is a change to the tables a digest of the audit reads, the
// statement that undoes it, and the units (council, service and metric)
// it must name as changed.
type unitChange struct {
	name, change, undo string
	want               [][3]string
}

// checkUnitChanges makes each change in turn, checks that changed names
// its units, undoes it and checks that changed names nothing.
func checkUnitChanges(ctx context.Context, t *testing.T, s *session, changed func() [][3]string, cases []unitChange) {
	t.Helper()
	for _, tc := range cases {
		if _, err := s.conn.ExecContext(ctx, tc.change); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := changed(); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: changed %v, want %v", tc.name, got, tc.want)
		}
		if _, err := s.conn.ExecContext(ctx, tc.undo); err != nil {
			t.Fatalf("%s undone: %v", tc.name, err)
		}
		if got := changed(); len(got) != 0 {
			t.Fatalf("%s undone: changed %v, want nothing", tc.name, got)
		}
	}
}
