package site

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// groupURL names p's group by the URL of its first page, which the
// numbered pages extend (PageURL).
func groupURL(p Part) string {
	if p.Page > 1 {
		return strings.TrimSuffix(p.URL, strconv.Itoa(p.Page)+"/")
	}
	return p.URL
}

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
		g, ok := group[groupURL(p)]
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
// the one current part, and its group's first and last pages and the
// pages before and after it, by their URLs (PageURL of the group's first
// page); beyond first pages, list at most 2*nearPages+2 pages, all of its
// own group; and say how many pages it leaves out where it skips some.
func NeighbourErrors(parts []Part, listedOf func(url string) []Part) []string {
	var errs []string
	for _, p := range parts {
		listed := listedOf(p.URL)
		first := groupURL(p)
		var current []string
		urls := map[string]bool{}
		numbered := 0
		for j, l := range listed {
			urls[l.URL] = true
			if l.Current {
				current = append(current, l.URL)
			}
			if l.Page == 1 {
				if l.Skipped != 0 {
					errs = append(errs, fmt.Sprintf("%s lists %s, a first page, after %d pages left out", p.URL, l.URL, l.Skipped))
				}
				continue
			}
			numbered++
			if groupURL(l) != first {
				errs = append(errs, fmt.Sprintf("%s lists %s, page %d of another group", p.URL, l.URL, l.Page))
			}
			// The part listed before l is the one Skipped pages before it.
			if before := PageURL(first, l.Page-l.Skipped-1); j == 0 || listed[j-1].URL != before {
				errs = append(errs, fmt.Sprintf("%s lists %s after %d pages left out, not after %s", p.URL, l.URL, l.Skipped, before))
			}
		}
		if !slices.Equal(current, []string{p.URL}) {
			errs = append(errs, fmt.Sprintf("%s lists %v as current, want itself", p.URL, current))
		}
		if numbered > 2*nearPages+2 {
			errs = append(errs, fmt.Sprintf("%s lists %d pages besides first pages, over %d", p.URL, numbered, 2*nearPages+2))
		}
		for _, n := range []int{1, p.Pages, p.Page - 1, p.Page + 1} {
			if n >= 1 && n <= p.Pages && n != p.Page && !urls[PageURL(first, n)] {
				errs = append(errs, fmt.Sprintf("%s (page %d of %d) does not list page %d, %s", p.URL, p.Page, p.Pages, n, PageURL(first, n)))
			}
		}
	}
	return errs
}
