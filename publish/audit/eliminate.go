package audit

import "slices"

// Disclosure control states a proportion's bound, numerator at most
// denominator, as x - n + s = 0 with a slack s of its own: one equation
// and one variable for every hidden cell. A linked group of a national
// provider market holds a hundred hidden cells or more, so its system is
// mostly these rows, and the simplex's work on a dense tableau grows with
// rows times columns times pivots, faster than the cells' count cubed
// (BENCHMARKS.md, "The interval audit's large groups"). But such an
// equation gives n as a sum of others, n = x + s, and so already says n
// is at least 0: n can be replaced by x + s everywhere, and the equation
// and the variable dropped, leaving the same solutions over the other
// variables. For a group of proportions that leaves its two totals.

// maxImpliedCoef bounds the coefficients eliminate multiplies, so that
// the substituted equations' coefficients stay far inside int64.
const maxImpliedCoef = 1 << 20

// impliedVar reports the variable eq gives as a sum of others with
// positive coefficients, and the sign (1 or -1) that writes eq so: times
// sign, eq holds the variable with coefficient -1 and every other term
// with a positive one, and its right-hand side is 0. Any solution with
// the others at least 0 then has it at least 0 too. A proportion's bound
// x - n + s = 0 gives n; a hidden total less its hidden parts, t - a - b
// = 0, gives t. eq's terms must be merged (one term per variable, none
// 0).
func impliedVar(eq Equation) (v int, sign int64, ok bool) {
	if eq.RHS != 0 || len(eq.Terms) < 2 {
		return 0, 0, false
	}
	for _, sign := range []int64{1, -1} {
		v := -1
		for _, t := range eq.Terms {
			c := sign * t.Coef
			switch {
			case c == -1 && v < 0:
				v = t.Var
			case c > 0 && c <= maxImpliedCoef:
			default:
				v = -2
			}
			if v == -2 {
				break
			}
		}
		if v >= 0 {
			return v, sign, true
		}
	}
	return 0, 0, false
}

// eliminate substitutes out of eqs, in order, each variable an equation
// gives as a sum of others (impliedVar), and drops that equation. It
// returns the equations left, over the variables not eliminated, and for
// each variable eliminated its value as a sum of those (expr, nil for the
// others; nil when nothing was eliminated). Every solution of the
// equations left, with every variable at least 0, gives a solution of eqs
// with every variable at least 0 through expr, and every solution of eqs
// is one of those: the two have the same range for any objective once
// the objective is written through expr (Problem.expand). eqs is not
// changed.
func eliminate(vars int, eqs []Equation) ([]Equation, [][]Term) {
	work := make([]Equation, len(eqs))
	// occurs lists the equations each variable has appeared in; an entry
	// may be stale (its term since cancelled, or its equation dropped).
	occurs := make([][]int32, vars)
	found := false
	for i, eq := range eqs {
		work[i] = Equation{Terms: mergeTerms(nil, eq.Terms), RHS: eq.RHS}
		for _, t := range work[i].Terms {
			occurs[t.Var] = append(occurs[t.Var], int32(i))
		}
		if _, _, ok := impliedVar(work[i]); ok {
			found = true
		}
	}
	if !found {
		return eqs, nil
	}
	expr := make([][]Term, vars)
	// inExpr lists the variables eliminated whose expression has held
	// each variable (stale entries allowed, as in occurs).
	inExpr := make([][]int32, vars)
	dropped := make([]bool, len(eqs))
	var scratch []Term
	for i := range work {
		v, sign, ok := impliedVar(work[i])
		if !ok || !substitutable(work, occurs[v], dropped, i, v) {
			continue
		}
		var e []Term
		for _, t := range work[i].Terms {
			if t.Var != v {
				e = append(e, Term{Var: t.Var, Coef: sign * t.Coef})
			}
		}
		dropped[i] = true
		for _, j := range occurs[v] {
			if dropped[j] {
				continue
			}
			var changed bool
			scratch, changed = substitute(scratch[:0], work[j].Terms, v, e)
			if !changed {
				continue
			}
			work[j].Terms = append(work[j].Terms[:0:0], scratch...)
			for _, t := range e {
				occurs[t.Var] = append(occurs[t.Var], j)
			}
		}
		for _, w := range inExpr[v] {
			var changed bool
			scratch, changed = substitute(scratch[:0], expr[w], v, e)
			if !changed {
				continue
			}
			expr[w] = append(expr[w][:0:0], scratch...)
			for _, t := range e {
				inExpr[t.Var] = append(inExpr[t.Var], w)
			}
		}
		expr[v] = e
		for _, t := range e {
			inExpr[t.Var] = append(inExpr[t.Var], int32(v))
		}
		occurs[v] = nil
	}
	kept := make([]Equation, 0, len(work))
	for i, eq := range work {
		if !dropped[i] {
			kept = append(kept, eq)
		}
	}
	return kept, expr
}

// substitutable reports whether v's coefficient in every equation still
// held (other than the i'th, which gives v) is small enough to multiply
// the expression's by.
func substitutable(work []Equation, occurs []int32, dropped []bool, i, v int) bool {
	for _, j := range occurs {
		if dropped[j] || int(j) == i {
			continue
		}
		for _, t := range work[j].Terms {
			if t.Var == v && (t.Coef > maxImpliedCoef || t.Coef < -maxImpliedCoef) {
				return false
			}
		}
	}
	return true
}

// substitute appends to out the terms of in with v replaced by its
// expression e (each term of e times v's coefficient), merged, and
// reports whether in held v at all.
func substitute(out, in []Term, v int, e []Term) ([]Term, bool) {
	var coef int64
	for _, t := range in {
		if t.Var == v {
			coef += t.Coef
		}
	}
	if coef == 0 {
		return append(out, in...), false
	}
	spread := make([]Term, 0, len(in)+len(e))
	for _, t := range in {
		if t.Var != v {
			spread = append(spread, t)
		}
	}
	for _, t := range e {
		spread = append(spread, Term{Var: t.Var, Coef: coef * t.Coef})
	}
	return mergeTerms(out, spread), true
}

// mergeTerms appends to out one term for each variable of in, in the
// order each first appears, its coefficients summed, leaving out those
// that sum to 0.
func mergeTerms(out, in []Term) []Term {
	start := len(out)
	var at map[int]int
	if len(in) > 16 {
		// A group's total holds a term for each member: a linear search
		// for each would be quadratic in the group's size.
		at = make(map[int]int, len(in))
	}
	for _, t := range in {
		if t.Coef == 0 {
			continue
		}
		k := -1
		if at != nil {
			if i, ok := at[t.Var]; ok {
				k = i
			}
		} else {
			k = slices.IndexFunc(out[start:], func(o Term) bool { return o.Var == t.Var })
		}
		if k >= 0 {
			out[start+k].Coef += t.Coef
			continue
		}
		if at != nil {
			at[t.Var] = len(out) - start
		}
		out = append(out, t)
	}
	merged := slices.DeleteFunc(out[start:], func(t Term) bool { return t.Coef == 0 })
	return out[:start+len(merged)]
}
