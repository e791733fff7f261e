package site

import (
	"bytes"
	"fmt"
)

// Every table that can grow past a page is split by the one function
// here: a metric's league table by region, a provider's councils by
// metric, a council's figures by service, and each of those groups into
// numbered pages when it is still too long: past TablePageBytes, or
// Builder.PageLimit when that is less. Nothing is cut short. A table that
// cannot be split that small (because what the page shows around its
// rows is too long) is split under LongTablePageBytes, and failing that
// under MaxPageBytes (neither above PageLimit) instead, and a page that
// cannot fit even then with one row is ErrPageTooLarge.

// span is one page of a split table: the rows [lo, hi) of the table in
// its order, page n of the pages of its group.
type span struct {
	group, lo, hi int
	// start is the first row of the span's group.
	start, n, pages int
}

// part returns the span as a Part with title and url: its rows numbered
// within its group.
func (s span) part(title, url string) Part {
	return Part{Title: title, URL: url, Rows: s.hi - s.lo, First: s.lo - s.start + 1, Last: s.hi - s.start, Page: s.n, Pages: s.pages}
}

// numberedParts returns pages of one group as Parts titled title, with
// ", page n of m" when there is more than one, at the numbered pages of
// url.
func numberedParts(pages []span, title, url string) []Part {
	parts := make([]Part, len(pages))
	for i, pg := range pages {
		t := title
		if pg.pages > 1 {
			t = fmt.Sprintf("%s, page %d of %d", title, pg.n, pg.pages)
		}
		parts[i] = pg.part(t, PageURL(url, pg.n))
	}
	return parts
}

// numberedList returns a partList of the numberedParts of one group
// titled title at url.
func numberedList(title, url string) partList {
	return partList{build: func(pages []span) []Part { return numberedParts(pages, title, url) }}
}

// nearPages is how many pages either side of the one shown a list of
// parts links to, within the shown page's group.
const nearPages = 3

// nearParts returns the parts a page of a split table lists, given every
// part of it in order (a group's pages one after another, numbered 1 to
// Pages) and the index of the page it centres on, or -1 for none: the
// first page of every group; and, in that page's group, the pages within
// nearPages of it and the group's last. Each part's Skipped counts the
// pages of its group left out just before it. A list of every part grew
// with the table: at national scale a metric's table for one period holds
// up to 48,795 rows (BENCHMARKS.md, "Pages that list their neighbours"),
// whose list alone outgrew a page and pushed every part towards
// MaxPageBytes. This one grows with the number of groups (at most the
// groups and 2*nearPages+2 more pages), not with the rows, and every page
// is still reached from the pages either side of it.
func nearParts(parts []Part, at int) []Part {
	// The group of parts[at] is [lo, hi); none when at < 0.
	lo, hi := 0, 0
	if at >= 0 && at < len(parts) {
		lo = at - (parts[at].Page - 1)
		hi = lo + parts[at].Pages
	}
	out := make([]Part, 0, min(len(parts), 2*nearPages+8))
	kept := -1
	for i, p := range parts {
		near := i >= lo && i < hi && (i == hi-1 || abs(i-at) <= nearPages)
		if p.Page > 1 && !near {
			continue
		}
		if p.Page > 1 {
			p.Skipped = i - kept - 1
		}
		out = append(out, p)
		kept = i
	}
	return out
}

func abs(n int) int { return max(n, -n) }

// listAt returns what page i of a split table shows of every part: the
// parts it lists (nearParts) and its own, both marked current. Both are
// copies, so marking them leaves every, which the table's other pages
// share (partList), as it was.
func listAt(every []Part, i int) ([]Part, *Part) {
	own := every[i]
	own.Current = true
	listed := nearParts(every, i)
	for j := range listed {
		listed[j].Current = listed[j].URL == own.URL
	}
	return listed, &own
}

// partList keeps the parts of one cut of a table into pages, built by
// build, so that each page's render, and the page the table was split
// from, take them from one list rather than building every part again:
// paginate renders every page of a cut, and a national table of 540 pages
// built 540 lists of 540 titles and URLs.
type partList struct {
	build func([]span) []Part
	pages []span
	parts []Part
}

// of returns the parts of pages, built when pages is not the cut it last
// built them for.
func (l *partList) of(pages []span) []Part {
	if len(pages) != len(l.pages) || len(pages) > 0 && &pages[0] != &l.pages[0] {
		l.pages, l.parts = pages, l.build(pages)
	}
	return l.parts
}

// Span says which rows a part holds: "rows 201 to 400" for a numbered
// page, "120 rows" for a part of one page.
func (p Part) Span() string {
	if p.Pages > 1 {
		return "rows " + formatInt(int64(p.First)) + " to " + formatInt(int64(p.Last))
	}
	return plural(p.Rows, "row", "rows")
}

// spans cuts groups of rows, of the given sizes and consecutive in the
// table's order, into pages of at most perPage rows each, in a slice of
// its own: partList tells one cut from the next by its first element's
// address.
func spans(sizes []int, perPage int) []span {
	var out []span
	start := 0
	for g, size := range sizes {
		pages := max(1, (size+perPage-1)/perPage)
		for n := range pages {
			lo := start + n*perPage
			out = append(out, span{group: g, lo: lo, hi: min(start+size, lo+perPage), start: start, n: n + 1, pages: pages})
		}
		start += size
	}
	return out
}

// paginate splits a table into pages under limit bytes. Its rows fall in
// groups of the given sizes (each group's pages its own); estimate is
// about how many bytes a page holding the whole table would take, from
// which a first number of rows a page is guessed. render renders page i
// of pages and returns it with the value of its JSON twin; since each
// page's list of parts and its title depend on how many pages there are,
// a page over the limit makes paginate cut the table
// again into smaller pages, in proportion to how far over it was, and
// render them all afresh. what names the table in the error for a page of
// one row still over the limit.
func paginate[V any](limit int, sizes []int, estimate int, what string, render func(pages []span, i int) ([]byte, V, error)) ([]span, [][]byte, []V, error) {
	rows := 0
	for _, n := range sizes {
		rows += n
	}
	perPage := max(1, rows)
	if budget := limit * 3 / 4; estimate > budget {
		perPage = max(1, rows*budget/estimate)
	}
	for {
		pages := spans(sizes, perPage)
		htmls := make([][]byte, 0, len(pages))
		values := make([]V, 0, len(pages))
		over := 0
		for i := range pages {
			html, v, err := render(pages, i)
			if err != nil {
				return nil, nil, nil, err
			}
			if len(html) > limit {
				over = len(html)
				break
			}
			htmls = append(htmls, bytes.Clone(html))
			values = append(values, v)
		}
		if over == 0 {
			return pages, htmls, values, nil
		}
		if perPage == 1 {
			return nil, nil, nil, fmt.Errorf("%w: one row of %s takes a page of %d bytes, over %d", ErrPageTooLarge, what, over, limit)
		}
		perPage = max(1, min(perPage-1, perPage*(limit*9/10)/over))
	}
}
