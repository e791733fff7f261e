package duckdb

import "context"

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
