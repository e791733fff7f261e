package duckdb

import (
	"context"
	"database/sql"
	"errors"
	"reflect"
	"testing"
)

// TestAuditWithoutHiddenMember checks the audit's shortcut
// (disclosure_audit_hidden.sql): where no member of a linked group of this
// release is hidden and no earlier release published a group, the audit finds nothing without reading its
// equations, and stays unrun (auditCache.units nil) so that no digest of the
// observations is taken. Worked by hand on council A's care homes in Q1:
//
//   - without a council-wide row nothing is linked: P1's falls, 3 over
//     2,000 bed days, are small and hidden, but no equation holds them, so
//     nothing is narrow, and a full reading of the equations
//     (audit_members.sql) has no member to give;
//   - with the council-wide rows (falls 15 of 5,000 bed days, occupancy
//     5,000 of 6,000) and P2's occupancy (3,000 of 3,500) shown again
//     after suppression, as TestAuditDuringSuppression does, the
//     council-wide 5,000 bed days less P2's 3,000 hold P1's falls'
//     denominator to exactly 2,000: the shortcut must not stop the audit
//     finding it.
func TestAuditWithoutHiddenMember(t *testing.T) {
	t.Parallel()
	type want = auditFinding
	type result struct {
		found   []want
		last    string
		ran     bool
		members int
	}
	run := func(t *testing.T, rows []obs, unhide, history bool) result {
		var res result
		var hookErr error
		in := BuildInput{DataDir: writeDataDir(t, sub{ID: "u1", Council: cA, Received: day("2025-04-10"), Rows: rows}),
			Catalogue: disclosureCatalogue(t), Councils: fixtureCouncils(t), Neighbours: 2,
			afterSuppress: func(ctx context.Context, conn *sql.Conn) error {
				hookErr = func() error {
					s := &session{conn: conn}
					if history {
						// An earlier release's group of the same cells:
						// its total and P1's falls, hidden then.
						if _, err := conn.ExecContext(ctx, `INSERT INTO history_members VALUES
							('g1', 'provider', ?, '', ?, ?, ?, '', ?, true, false, 15, 5000),
							('g1', 'provider', ?, '', ?, ?, ?, 'P1', ?, false, true, NULL, NULL)`,
							cA, svcCare, mFalls, dq1, dq1, cA, svcCare, mFalls, dq1, dq1); err != nil {
							return err
						}
					}
					if unhide {
						if err := showP2Occupancy(ctx, t, conn); err != nil {
							return err
						}
					}
					c := &auditCache{}
					found, err := auditFindings(ctx, s, c)
					if err != nil {
						return err
					}
					res.found = found
					res.last, res.ran = c.last, c.units != nil
					members, err := s.auditMembers(ctx, nil, nil)
					res.members = len(members)
					return err
				}()
				return nil
			}}
		// Shown again, P2's occupancy gives P1's back, and the check
		// refuses the release; the audit under test ran before it.
		if err := openTest(t).Build(context.Background(), in); err != nil && !(unhide && errors.Is(err, ErrDisclosure)) {
			t.Fatal(err)
		}
		if hookErr != nil {
			t.Fatal(hookErr)
		}
		return res
	}
	t.Run("no total", func(t *testing.T) {
		t.Parallel()
		got := run(t, []obs{
			careRow(mFalls, "P1", 3, 2000), careRow(mFalls, "P2", 12, 3000),
			careRow(mOccupancy, "P1", 2000, 2500), careRow(mOccupancy, "P2", 3000, 3500),
		}, false, false)
		if len(got.found) != 0 || got.ran || got.last != "no member of a linked group hidden" {
			t.Errorf("audit found %v, ran %t (%q); want nothing found and the audit not run", got.found, got.ran, got.last)
		}
		if got.members != 0 {
			t.Errorf("audit_members read %d members, want 0: the shortcut skipped equations a full audit reads", got.members)
		}
	})
	// Earlier releases' groups are equations the audit reads too
	// (audit_members.sql): with a history of groups the audit runs, even
	// when this release links nothing.
	t.Run("no total now, groups in the history", func(t *testing.T) {
		t.Parallel()
		got := run(t, []obs{
			careRow(mFalls, "P1", 3, 2000), careRow(mFalls, "P2", 12, 3000),
			careRow(mOccupancy, "P1", 2000, 2500), careRow(mOccupancy, "P2", 3000, 3500),
		}, false, true)
		if !got.ran || got.last == "no member of a linked group hidden" {
			t.Errorf("audit ran %t (%q); want it run over the earlier release's group", got.ran, got.last)
		}
	})
	t.Run("total with a hidden part", func(t *testing.T) {
		t.Parallel()
		got := run(t, []obs{
			careRow(mFalls, "", 15, 5000), careRow(mFalls, "P1", 3, 2000), careRow(mFalls, "P2", 12, 3000),
			careRow(mOccupancy, "", 5000, 6000), careRow(mOccupancy, "P1", 2000, 2500), careRow(mOccupancy, "P2", 3000, 3500),
		}, true, false)
		if w := []want{{"P1", mFalls, "denominator", 2000, 2000}}; !reflect.DeepEqual(got.found, w) {
			t.Errorf("narrow = %v (%q), want %v", got.found, got.last, w)
		}
		if !got.ran || got.members == 0 {
			t.Errorf("audit ran %t (%q) over %d members; want it run over the groups' members", got.ran, got.last, got.members)
		}
	})
}
