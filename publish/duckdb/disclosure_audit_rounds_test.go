package duckdb

import (
	"context"
	"database/sql"
	"reflect"
	"strings"
	"testing"
)

// TestAuditDuringSuppression checks the audit's reading of what changed
// while suppression runs (auditCache.rounds: the cells its rounds hid
// since the last audit, not a comparison with a digest of the observations)
// and the hand-over to the check (handOver), on TestAuditUnits' care
// homes, worked by hand there. With P2's occupancy shown (3,000 of
// 3,500), falls P1's denominator is held to exactly 2,000. A step of
// suppression then hides P2's occupancy again, after that audit: the
// digest handOver takes already holds it hidden, so only the cells it
// keeps as pending tell the next audit to read that family again, which
// must then find nothing narrow, as an audit from nothing does. Had the
// step been lost, the next audit would have kept the finding of before.
func TestAuditDuringSuppression(t *testing.T) {
	t.Parallel()
	type want = auditFinding
	audit := auditFindings
	var during, after, fresh []want
	var logAfter string
	var hookErr error
	in := BuildInput{DataDir: writeDataDir(t, sub{ID: "u1", Council: cA, Received: day("2025-04-10"), Rows: []obs{
		careRow(mFalls, "", 15, 5000), careRow(mFalls, "P1", 3, 2000), careRow(mFalls, "P2", 12, 3000),
		careRow(mOccupancy, "", 5000, 6000), careRow(mOccupancy, "P1", 2000, 2500), careRow(mOccupancy, "P2", 3000, 3500),
	}}), Catalogue: disclosureCatalogue(t), Councils: fixtureCouncils(t), Neighbours: 2,
		afterSuppress: func(ctx context.Context, conn *sql.Conn) error {
			hookErr = func() error {
				s := &session{conn: conn}
				err := showP2Occupancy(ctx, t, conn)
				if err != nil {
					return err
				}
				if err := s.exec(ctx, "suppress_steps"); err != nil {
					return err
				}
				r := suppressRounds{s: s}
				c := &auditCache{rounds: &r}
				if during, err = audit(ctx, s, c); err != nil {
					return err
				}
				// The next step of suppression hides P2's occupancy again.
				r.step++
				if _, err := conn.ExecContext(ctx, `INSERT INTO suppress_steps
					SELECT rowid, $step FROM observations
					WHERE council_code = $council AND provider_id = 'P2' AND metric = $metric AND period = $period`,
					sql.Named("step", r.step), sql.Named("council", cA), sql.Named("metric", mOccupancy),
					sql.Named("period", dq1)); err != nil {
					return err
				}
				if n, err := s.execCount(ctx, "suppress_apply", sql.Named("step", r.step)); err != nil || n != 1 {
					t.Errorf("suppress_apply hid %d cells (%v), want 1", n, err)
				}
				if err := c.handOver(ctx, s); err != nil {
					return err
				}
				if err := s.exec(ctx, "suppress_steps_drop"); err != nil {
					return err
				}
				if after, err = audit(ctx, s, c); err != nil {
					return err
				}
				logAfter = c.last
				fresh, err = audit(ctx, s, &auditCache{})
				return err
			}()
			return nil
		}}
	if err := openTest(t).Build(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	if hookErr != nil {
		t.Fatal(hookErr)
	}
	if w := []want{{"P1", mFalls, "denominator", 2000, 2000}}; !reflect.DeepEqual(during, w) {
		t.Errorf("with P2's occupancy shown: narrow = %v, want %v", during, w)
	}
	if len(after) != 0 || len(fresh) != 0 {
		t.Errorf("with P2's occupancy hidden again: narrow = %v after the hand-over, %v from nothing; want none", after, fresh)
	}
	if !strings.HasPrefix(logAfter, "1 units read again") {
		t.Errorf("the audit after the hand-over read %q, want 1 unit again", logAfter)
	}
}
