package site

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// ReachParts returns every part of a split table that a reader reaches
// from the parts listed on the page it was split from, following the
// parts each part lists (partsOf reads them from a part's JSON twin), in
// the order of their groups' first pages, then by page. Current and
// Skipped are cleared, since they say where a part was listed from.
func ReachParts(listed []Part, partsOf func(url string) []Part) []Part {
	byURL := map[string]Part{}
	var order []string
	queue := slices.Clone(listed)
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if _, ok := byURL[p.URL]; ok {
			continue
		}
		p.Current, p.Skipped = false, 0
		byURL[p.URL] = p
		order = append(order, p.URL)
		queue = append(queue, partsOf(p.URL)...)
	}
	// A part's group is named by its first page's URL, which the
	// numbered pages extend.
	group := map[string]int{}
	for _, u := range order {
		if p := byURL[u]; p.Page == 1 {
			group[u] = len(group)
		}
	}
	out := make([]Part, 0, len(order))
	for _, u := range order {
		out = append(out, byURL[u])
	}
	first := func(p Part) int {
		u := p.URL
		if p.Page > 1 {
			u = strings.TrimSuffix(u, strconv.Itoa(p.Page)+"/")
		}
		g, ok := group[u]
		if !ok {
			return len(group) // a group whose first page no one lists
		}
		return g
	}
	slices.SortStableFunc(out, func(a, b Part) int { return cmp.Or(cmp.Compare(first(a), first(b)), cmp.Compare(a.Page, b.Page)) })
	return out
}

// NeighbourErrors checks what each of parts (every part of a split
// table, as ReachParts orders them) lists (listedOf reads it from the
// part's JSON twin), and returns what is wrong: each must list itself as
// the one current part, its group's first and last pages and the pages
// before and after it, and say how many pages it leaves out where it
// skips some.
func NeighbourErrors(parts []Part, listedOf func(url string) []Part) []string {
	var errs []string
	for i, p := range parts {
		listed := listedOf(p.URL)
		var current []string
		urls := map[string]bool{}
		for j, l := range listed {
			urls[l.URL] = true
			if l.Current {
				current = append(current, l.URL)
			}
			// The part listed before l in its group is the one Skipped
			// pages before it.
			if l.Page > 1 && (j == 0 || listed[j-1].Page != l.Page-l.Skipped-1) {
				errs = append(errs, fmt.Sprintf("%s lists %s (page %d) after %d pages left out, not after page %d", p.URL, l.URL, l.Page, l.Skipped, l.Page-l.Skipped-1))
			}
		}
		if !slices.Equal(current, []string{p.URL}) {
			errs = append(errs, fmt.Sprintf("%s lists %v as current, want itself", p.URL, current))
		}
		lo := i - (p.Page - 1)
		for _, j := range []int{lo, lo + p.Pages - 1, i - 1, i + 1} {
			if j >= lo && j < lo+p.Pages && j < len(parts) && !urls[parts[j].URL] {
				errs = append(errs, fmt.Sprintf("%s (page %d of %d) does not list %s (page %d)", p.URL, p.Page, p.Pages, parts[j].URL, parts[j].Page))
			}
		}
	}
	return errs
}
