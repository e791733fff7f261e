package audit

import "slices"

// Disclosure control states a proportion's bound, numerator at most
// denominator, as x - n + s = 0 with a slack s of its own: one equation
// and one variable for every hidden cell. A linked group of a national
// provider market holds a hundred hidden cells or more, so its system is
// mostly these rows, and the simplex's work on a dense tableau grows with
// rows times columns times pivots for each objective, so a group's cost
// grew much faster than its size: 17.8 times from 60 hidden members to
// 180 (BENCHMARKS.md, "The interval audit's large groups"). But such an
// equation gives n as a sum of others, n = x + s, and so already says n
// is at least 0: n can be replaced by x + s everywhere, and the equation
// and the variable dropped, leaving the same solutions over the other
// variables. For a group of proportions that leaves its two totals.

// maxImpliedCoef bounds the coefficients of an expression eliminate
// makes (see maxCoef).
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
	for i, eq := range eqs {
		work[i] = Equation{Terms: mergeTerms(nil, eq.Terms), RHS: eq.RHS}
		for _, t := range work[i].Terms {
			occurs[t.Var] = append(occurs[t.Var], int32(i))
		}
	}
	var expr [][]Term
	// inExpr lists the variables eliminated whose expression has held
	// each variable (stale entries allowed, as in occurs).
	var inExpr [][]int32
	dropped := make([]bool, len(eqs))
	for i := range work {
		v, sign, ok := impliedVar(work[i])
		if !ok {
			continue
		}
		if expr == nil {
			expr, inExpr = make([][]Term, vars), make([][]int32, vars)
		}
		var e []Term
		for _, t := range work[i].Terms {
			if t.Var != v {
				e = append(e, Term{Var: t.Var, Coef: sign * t.Coef})
			}
		}
		// Every substitution is worked out before any is made, so that
		// an elimination whose coefficients would grow too large is not
		// made at all.
		eqTerms, ok := substituteAll(occurs[v], i, dropped, v, e, func(j int32) []Term { return work[j].Terms })
		if !ok {
			continue
		}
		exprTerms, ok := substituteAll(inExpr[v], -1, nil, v, e, func(w int32) []Term { return expr[w] })
		if !ok {
			continue
		}
		dropped[i] = true
		for j, terms := range eqTerms {
			work[j].Terms = terms
			for _, t := range e {
				occurs[t.Var] = append(occurs[t.Var], j)
			}
		}
		for w, terms := range exprTerms {
			expr[w] = terms
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
	if expr == nil {
		return eqs, nil
	}
	kept := make([]Equation, 0, len(work))
	for i, eq := range work {
		if !dropped[i] {
			kept = append(kept, eq)
		}
	}
	return kept, expr
}

// substituteAll works out v's substitution by e in each of the term
// lists at names (terms reads one), skipping skip and those dropped, and
// returns the lists it changes by name; false when a coefficient would
// pass maxCoef (substitute), so that none is made.
func substituteAll(at []int32, skip int, dropped []bool, v int, e []Term, terms func(int32) []Term) (map[int32][]Term, bool) {
	out := map[int32][]Term{}
	for _, k := range at {
		if int(k) == skip || (dropped != nil && dropped[k]) {
			continue
		}
		if _, done := out[k]; done {
			continue
		}
		subst, changed, ok := substitute(terms(k), v, e)
		if !ok {
			return nil, false
		}
		if changed {
			out[k] = subst
		}
	}
	return out, true
}

// maxCoef bounds every coefficient eliminate writes: a term it would make
// larger, or a term already larger in an equation it would substitute
// into, leaves the variable as it is. Each product is of a coefficient
// at most maxCoef and one at most maxImpliedCoef, and each sum of a few
// such, so nothing comes near int64's range.
const maxCoef = 1 << 40

// substitute returns in's terms with v replaced by its expression e (each
// term of e times v's coefficient), merged, whether in held v at all, and
// false when a coefficient is, or would be, larger than maxCoef.
func substitute(in []Term, v int, e []Term) (out []Term, changed, ok bool) {
	var coef int64
	for _, t := range in {
		if t.Coef > maxCoef || t.Coef < -maxCoef {
			return nil, false, false
		}
		if t.Var == v {
			coef += t.Coef
		}
	}
	if coef == 0 {
		return in, false, true
	}
	// in's terms are merged already, so only e's need merging, each
	// into the term of its variable, where in has one: no map is made
	// for a group's total, which takes every member's substitution in
	// turn.
	out = make([]Term, 0, len(in)+len(e))
	for _, t := range in {
		if t.Var != v {
			out = append(out, t)
		}
	}
	for _, u := range e {
		c := coef * u.Coef
		if k := slices.IndexFunc(out, func(o Term) bool { return o.Var == u.Var }); k >= 0 {
			out[k].Coef += c
		} else {
			out = append(out, Term{Var: u.Var, Coef: c})
		}
	}
	out = slices.DeleteFunc(out, func(t Term) bool { return t.Coef == 0 })
	for _, t := range out {
		if t.Coef > maxCoef || t.Coef < -maxCoef {
			return nil, false, false
		}
	}
	return out, true, true
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
