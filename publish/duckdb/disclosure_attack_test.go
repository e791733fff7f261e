package duckdb

import (
	"math"
	"testing"

	"github.com/yardstick-open/yardstick/publish/audit"
	"github.com/yardstick-open/yardstick/schemas"
)

// boundsAttack bounds, as a reader with a linear-programming solver
// would, the counts of the hidden cells in small from the published cells
// alone: every total a reader can link (readerGroups, worked out apart
// from the SQL that suppression uses) is an equation total - sum(parts)
// = 0 over the hidden counts, each at least 0, a proportion's numerator at
// most its denominator. It fails t when any count of a cell in small is
// held in a range narrower than SafetyWidth, rounded inwards to whole
// numbers.
func boundsAttack(t *testing.T, cells map[cellKey]shown, cat *schemas.Catalogue, small []cellKey) {
	t.Helper()
	vars := map[[2]any]int{}
	v := func(k cellKey, side string) int {
		id := [2]any{k, side}
		i, ok := vars[id]
		if !ok {
			i = len(vars)
			vars[id] = i
		}
		return i
	}
	var eqs []audit.Equation
	for _, g := range readerGroups(t, cells) {
		for _, side := range []string{"x", "n"} {
			m, err := cat.Metric(g.Total.Metric)
			if err != nil {
				t.Fatal(err)
			}
			if side == "n" && m.Kind == schemas.KindCount {
				continue
			}
			var eq audit.Equation
			add := func(k cellKey, coef int64) {
				c := cells[k]
				if c.Status == "c" || c.Counts == nil {
					eq.Terms = append(eq.Terms, audit.Term{Var: v(k, side), Coef: coef})
					return
				}
				val := c.Counts.X
				if side == "n" {
					val = c.Counts.N
				}
				eq.RHS -= coef * int64(math.Round(val))
			}
			add(g.Total, 1)
			for _, p := range g.Parts {
				add(p, -1)
			}
			if len(eq.Terms) > 0 {
				eqs = append(eqs, eq)
			}
		}
	}
	for k, c := range cells {
		if m, _ := cat.Metric(k.Metric); c.Status == "c" && m.Kind == schemas.KindProportion {
			eqs = append(eqs, audit.Equation{Terms: []audit.Term{{Var: v(k, "x"), Coef: 1}, {Var: v(k, "n"), Coef: -1}, {Var: v(k, "slack"), Coef: 1}}})
		}
	}
	p, err := audit.Reduce(len(vars), eqs)
	if err != nil {
		t.Fatalf("the published totals: %v", err)
	}
	attempts := 0
	for _, k := range small {
		if cells[k].Status != "c" {
			t.Errorf("%v is shown", k)
			continue
		}
		for _, side := range []string{"x", "n"} {
			i, ok := vars[[2]any{k, side}]
			if !ok {
				continue // no total holds it
			}
			attempts++
			lo, hi, err := p.Range([]audit.Term{{Var: i, Coef: 1}})
			if err != nil {
				t.Fatalf("%v %s: %v", k, side, err)
			}
			if !math.IsInf(hi, 1) && math.Floor(hi+1e-6)-math.Ceil(lo-1e-6) < SafetyWidth {
				t.Errorf("the published totals hold %v's %s between %v and %v", k, side, lo, hi)
			}
		}
	}
	if attempts == 0 {
		t.Error("no small cell is in a linked group: the attack proves nothing")
	}
}
