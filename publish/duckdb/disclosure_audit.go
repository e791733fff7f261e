package duckdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/yardstick-open/yardstick/publish/audit"
)

// SafetyWidth is the narrowest range of values the published figures may
// leave a hidden count in. For every cell hidden for itself (small, or
// marked [c] by the council), the least and greatest values its numerator,
// its denominator and, for a proportion, its complement (denominator -
// numerator) can take, given everything this release and every earlier
// one publishes, must be at least SafetyWidth apart once rounded inwards
// to whole numbers: at least six whole numbers stay possible. 5 is the
// width of the small_counts rule itself: a range of 0 to 5 holds 0, every
// small count (1 to 4) and the smallest count shown, so it cannot tell a
// reader which of them the cell holds. A range of width 0 is a figure
// given back; a range from 0 to 0 is a group of hidden cells forced to
// sum to 0, which protects nothing.
const SafetyWidth = 5

// auditMember is one row of audit_members.sql: a member of one linked
// group of one release.
type auditMember struct {
	Group   string
	Release string
	Cell    cellKey
	Total   bool
	Unknown bool
	X, N    sql.NullFloat64
	Kind    string
	TX, TN  sql.NullFloat64
	Primary bool
}

// A narrowCell is a cell hidden for itself whose count What ("numerator",
// "denominator" or "complement") the published figures hold between Lo
// and Hi, closer than SafetyWidth; Err, when set, says the audit could not
// bound it, which counts as narrow.
type narrowCell struct {
	Cell   cellKey
	What   string
	Lo, Hi float64
	Err    error
}

func (n narrowCell) detail() string {
	switch {
	case n.Err != nil:
		return fmt.Sprintf("the audit could not bound its %s (%v)", n.What, n.Err)
	case n.Hi < 0.5:
		return fmt.Sprintf("the published figures force its %s, with the other hidden figures of its groups, to 0", n.What)
	}
	return fmt.Sprintf("the published figures hold its %s between %.0f and %.0f, closer than the safety interval of %d",
		n.What, n.Lo, n.Hi, SafetyWidth)
}

// auditIntervals reads the audit's equations and returns the cells hidden
// for themselves that the published figures hold too narrowly.
func (s *session) auditIntervals(ctx context.Context) ([]narrowCell, error) {
	rows, err := s.query(ctx, "audit_members")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var members []auditMember
	for rows.Next() {
		var m auditMember
		var link, council, groupProvider, service, metric, groupPeriod string
		if err := rows.Scan(&m.Release, &link, &council, &groupProvider, &service, &metric, &groupPeriod,
			&m.Cell.Provider, &m.Cell.Period, &m.Total, &m.Unknown, &m.X, &m.N, &m.Kind, &m.TX, &m.TN, &m.Primary); err != nil {
			return nil, fmt.Errorf("audit_members: %w", err)
		}
		m.Cell.Council, m.Cell.Service, m.Cell.Metric = council, service, metric
		m.Group = strings.Join([]string{m.Release, link, council, groupProvider, service, metric, groupPeriod}, "\x1f")
		members = append(members, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit_members: %w", err)
	}
	return auditNarrow(members), nil
}

// auditVar names a variable of the audit: one count (side 'x' numerator,
// 'n' denominator, 's' the slack of numerator <= denominator) of a hidden
// cell, the same in every release (Release ""), or of a published cell
// that shows no such count, in one release.
type auditVar struct {
	Cell    cellKey
	Side    byte
	Release string
}

// auditEquation is one equation of the audit: a group's, of an earlier
// release (history) or this one, or a proportion's bound (bound).
type auditEquation struct {
	eq      audit.Equation
	history bool
	bound   bool
}

// auditNarrow works out, from the members of the linked groups of this
// release and the earlier ones, the range each count of each cell hidden
// for itself can take (package audit), and returns those narrower than
// SafetyWidth, sorted.
//
// Each group gives one equation per count, total - sum(parts) = 0, whose
// unknowns are the hidden members' counts and the counts a published
// member leaves out; a proportion's numerator is at most its denominator.
// An equation the councils' own figures do not satisfy is left out: the
// figures do not add up there (a council-wide total that holds more than
// its providers, or a cell revised since an earlier release), so it tells
// a reader nothing true.
func auditNarrow(members []auditMember) []narrowCell {
	varIndex := map[auditVar]int{}
	var truth []sql.NullFloat64
	variable := func(v auditVar, t sql.NullFloat64) int {
		i, ok := varIndex[v]
		if !ok {
			i = len(truth)
			varIndex[v] = i
			truth = append(truth, t)
		}
		return i
	}
	type sideKey struct {
		group string
		side  byte
	}
	eqIndex := map[sideKey]int{}
	var eqs []auditEquation
	var rhs []float64
	kinds := map[cellKey]string{}
	primary := map[cellKey]bool{}
	for _, m := range members {
		coef := int64(-1)
		if m.Total {
			coef = 1
		}
		sides := []byte{'x'}
		if m.Kind != "count" {
			sides = append(sides, 'n')
		}
		for _, side := range sides {
			k := sideKey{m.Group, side}
			e, ok := eqIndex[k]
			if !ok {
				e = len(eqs)
				eqIndex[k] = e
				eqs = append(eqs, auditEquation{history: m.Release != ""})
				rhs = append(rhs, 0)
			}
			shown, t := m.X, m.TX
			if side == 'n' {
				shown, t = m.N, m.TN
			}
			switch {
			case m.Unknown:
				v := variable(auditVar{Cell: m.Cell, Side: side}, t)
				eqs[e].eq.Terms = append(eqs[e].eq.Terms, audit.Term{Var: v, Coef: coef})
			case shown.Valid:
				rhs[e] -= float64(coef) * shown.Float64
			default:
				v := variable(auditVar{Cell: m.Cell, Side: side, Release: m.Release}, sql.NullFloat64{})
				eqs[e].eq.Terms = append(eqs[e].eq.Terms, audit.Term{Var: v, Coef: coef})
			}
		}
		if m.Unknown {
			kinds[m.Cell] = m.Kind
			if m.Primary {
				primary[m.Cell] = true
			}
		}
	}
	var kept []auditEquation
	for i, e := range eqs {
		if len(e.eq.Terms) == 0 {
			continue
		}
		e.eq.RHS = int64(math.Round(rhs[i]))
		if !holds(e.eq, truth) {
			continue
		}
		kept = append(kept, e)
	}
	// A proportion counts some of its denominator: x - n + slack = 0.
	for cell, kind := range kinds {
		if kind != "proportion" {
			continue
		}
		x, okx := varIndex[auditVar{Cell: cell, Side: 'x'}]
		n, okn := varIndex[auditVar{Cell: cell, Side: 'n'}]
		if !okx || !okn {
			continue
		}
		s := variable(auditVar{Cell: cell, Side: 's'}, sql.NullFloat64{})
		kept = append(kept, auditEquation{bound: true,
			eq: audit.Equation{Terms: []audit.Term{{Var: x, Coef: 1}, {Var: n, Coef: -1}, {Var: s, Coef: 1}}}})
	}

	// Equations that share an unknown are solved together.
	parent := make([]int, len(truth))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for _, e := range kept {
		for _, t := range e.eq.Terms[1:] {
			parent[find(t.Var)] = find(e.eq.Terms[0].Var)
		}
	}
	components := map[int][]auditEquation{}
	for _, e := range kept {
		root := find(e.eq.Terms[0].Var)
		components[root] = append(components[root], e)
	}
	cellsOf := map[int][]cellKey{}
	for cell := range primary {
		if v, ok := varIndex[auditVar{Cell: cell, Side: 'x'}]; ok {
			root := find(v)
			cellsOf[root] = append(cellsOf[root], cell)
		}
	}

	var out []narrowCell
	for root, cells := range cellsOf {
		out = append(out, auditComponent(components[root], cells, kinds, varIndex)...)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Cell != out[j].Cell {
			return out[i].Cell.protectKey() < out[j].Cell.protectKey()
		}
		return out[i].What < out[j].What
	})
	return out
}

// holds reports whether eq is true of the councils' own figures, or
// cannot be tested because an unknown's figure is not at hand.
func holds(eq audit.Equation, truth []sql.NullFloat64) bool {
	var sum float64
	for _, t := range eq.Terms {
		if !truth[t.Var].Valid {
			return true
		}
		sum += float64(t.Coef) * truth[t.Var].Float64
	}
	return math.Abs(sum-float64(eq.RHS)) < 0.5
}

// auditComponent bounds the counts of the cells hidden for themselves in
// one connected set of equations.
func auditComponent(eqs []auditEquation, cells []cellKey, kinds map[cellKey]string, varIndex map[auditVar]int) []narrowCell {
	// The component's variables, numbered from 0.
	local := map[int]int{}
	localise := func(in []auditEquation, keep func(auditEquation) bool) []audit.Equation {
		var out []audit.Equation
		for _, e := range in {
			if !keep(e) {
				continue
			}
			eq := audit.Equation{RHS: e.eq.RHS, Terms: make([]audit.Term, len(e.eq.Terms))}
			for i, t := range e.eq.Terms {
				l, ok := local[t.Var]
				if !ok {
					l = len(local)
					local[t.Var] = l
				}
				eq.Terms[i] = audit.Term{Var: l, Coef: t.Coef}
			}
			out = append(out, eq)
		}
		return out
	}
	all := localise(eqs, func(auditEquation) bool { return true })
	hasHistory := false
	for _, e := range eqs {
		hasHistory = hasHistory || e.history
	}
	p, err := audit.Reduce(len(local), all)
	if errors.Is(err, audit.ErrInconsistent) {
		// Only equations that could not be tested against the councils'
		// figures can disagree; a reader who trusts them all learns that
		// they cannot all be true, and nothing about any cell.
		return nil
	}
	var history *audit.Problem
	historyNarrow := func(obj []audit.Term) bool {
		if !hasHistory {
			return false
		}
		if history == nil {
			// Earlier releases and the proportions' own bounds, without
			// this release's totals.
			eq := localise(eqs, func(e auditEquation) bool { return e.history || e.bound })
			hp, err := audit.Reduce(len(local), eq)
			if err != nil {
				return false
			}
			history = hp
		}
		lo, hi, err := history.Range(obj)
		return err == nil && narrow(lo, hi)
	}
	sort.Slice(cells, func(i, j int) bool { return cells[i].protectKey() < cells[j].protectKey() })
	var out []narrowCell
	type objective struct {
		what string
		obj  []audit.Term
	}
	for _, cell := range cells {
		// A count no kept equation holds is free from 0 up.
		x, okx := local[varIndex[auditVar{Cell: cell, Side: 'x'}]]
		nv, hasN := varIndex[auditVar{Cell: cell, Side: 'n'}]
		n, okn := local[nv]
		okn = okn && hasN
		var objectives []objective
		switch {
		case !okx:
		case kinds[cell] == "count":
			objectives = append(objectives, objective{"count", []audit.Term{{Var: x, Coef: 1}}})
		default:
			objectives = append(objectives, objective{"numerator", []audit.Term{{Var: x, Coef: 1}}})
		}
		if okn {
			objectives = append(objectives, objective{"denominator", []audit.Term{{Var: n, Coef: 1}}})
			if okx && kinds[cell] == "proportion" {
				objectives = append(objectives, objective{"complement", []audit.Term{{Var: n, Coef: 1}, {Var: x, Coef: -1}}})
			}
		}
		for _, o := range objectives {
			if err != nil {
				out = append(out, narrowCell{Cell: cell, What: o.what, Err: err})
				continue
			}
			lo, hi, rerr := p.Range(o.obj)
			switch {
			case errors.Is(rerr, audit.ErrInconsistent):
				continue
			case rerr != nil:
				out = append(out, narrowCell{Cell: cell, What: o.what, Err: rerr})
			case narrow(lo, hi) && !historyNarrow(o.obj):
				// A range earlier releases already held as narrow was
				// given away then; nothing hidden now can widen it.
				out = append(out, narrowCell{Cell: cell, What: o.what, Lo: least(lo), Hi: greatest(hi)})
			}
		}
	}
	return out
}

// narrow reports whether [lo, hi], rounded inwards to whole numbers, is
// narrower than SafetyWidth.
func narrow(lo, hi float64) bool {
	if math.IsInf(hi, 1) || math.IsInf(lo, -1) {
		return false
	}
	return greatest(hi)-least(lo) < SafetyWidth
}

// least and greatest round a least and a greatest value inwards to whole
// numbers, allowing for the simplex's rounding error. Adding 0 turns -0
// into 0, which prints as "0".
func least(v float64) float64    { return math.Ceil(v-1e-6) + 0 }
func greatest(v float64) float64 { return math.Floor(v+1e-6) + 0 }
