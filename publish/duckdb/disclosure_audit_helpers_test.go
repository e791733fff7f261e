package duckdb

import (
	"context"
	"database/sql"
	"fmt"
)

// The audit as the tests drive it: on members given as a slice, rather
// than streamed from audit_members.sql into an auditSystem.

// auditNarrow returns the cells of members' groups held narrower than
// SafetyWidth, sorted (auditSystem).
func auditNarrow(members []auditMember) []narrowCell {
	return auditNarrowCached(members, nil)
}

// auditNarrowCached is auditNarrow, taking the findings of a component
// cache already holds instead of solving it again, and adding those it
// solves.
func auditNarrowCached(members []auditMember, cache componentCache) []narrowCell {
	sys := newAuditSystem(len(members))
	for i := range members {
		sys.add(&members[i])
	}
	return sys.narrow(cache)
}

// auditMembers reads the members of the audit's linked groups, of the
// units scope names (council, service and metric joined by "\x1f") and
// the councils named, or of every unit and council where they are nil.
func (s *session) auditMembers(ctx context.Context, scope, councils []string) ([]auditMember, error) {
	var members []auditMember
	var batches []auditBatch
	if councils != nil {
		batches = []auditBatch{{councils: councils}}
	}
	err := s.eachAuditMember(ctx, scope, batches, func(_ int, m *auditMember) { members = append(members, *m) })
	return members, err
}

// queryAuditMembers runs audit_members.sql, every council in one batch,
// as the subquery of outer (where %s stands for it), after storing the
// scope of units (audit_scope.sql; nil: every unit), as eachAuditMember
// does first.
func queryAuditMembers(ctx context.Context, conn *sql.Conn, units []string, outer string) (*sql.Rows, error) {
	q, err := lookup("audit_members")
	if err != nil {
		return nil, err
	}
	var scope any // NULL, not an empty list, for every unit
	if units != nil {
		scope = units
	}
	if err := (&session{conn: conn}).storeAuditScope(ctx, scope, nil); err != nil {
		return nil, err
	}
	return conn.QueryContext(ctx, fmt.Sprintf(outer, q), sql.Named("councils", nil), sql.Named("batch_of", nil))
}
