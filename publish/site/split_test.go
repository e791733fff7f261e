package site

import (
	"errors"
	"slices"
	"strconv"
	"testing"
)

// TestSplitLadder checks the sizes a table is split under, tried in
// turn, against pages whose size is worked out by hand: a head of 4,000
// bytes, a link of perPart bytes for every part, and 300 bytes a row. A
// page of p rows of a table of n rows is then 4,000 + perPart*ceil(n/p) +
// 300p bytes, least near p = sqrt(perPart*n/300), at about 4,000 +
// 2*sqrt(300*perPart*n).
func TestSplitLadder(t *testing.T) {
	t.Parallel()
	o := &output{split: TablePageBytes, limit: MaxPageBytes}
	if got, want := o.splits(), []int{32 << 10, 48 << 10, 200 << 10}; !slices.Equal(got, want) {
		t.Fatalf("splits %v, want %v", got, want)
	}
	// A test's page limit below TablePageBytes is the only size; one
	// between the two rungs ends the ladder.
	for _, c := range []struct {
		split, limit int
		want         []int
	}{
		{20 << 10, 20 << 10, []int{20 << 10}},
		{32 << 10, 40 << 10, []int{32 << 10, 40 << 10}},
	} {
		o := &output{split: c.split, limit: c.limit}
		if got := o.splits(); !slices.Equal(got, c.want) {
			t.Errorf("split %d, limit %d: splits %v, want %v", c.split, c.limit, got, c.want)
		}
	}

	for _, c := range []struct {
		name       string
		perPart, n int
		head       int
		// The largest page's size lies in (least, most]; tooLarge: no
		// size fits.
		least, most int
		tooLarge    bool
	}{
		// Fits 32 KB: at 90 rows a page, for one, 4,000 + 100*3 +
		// 300*90 = 31,300.
		{"short list", 100, 200, 4000, 0, 32 << 10, false},
		// At least 4,000 + 2*sqrt(300*400*2,000) = 34,984 at any p:
		// over 32 KB; at 120 rows a page, for one, 4,000 + 400*17 +
		// 300*120 = 46,800, under 48 KB.
		{"long list", 400, 2000, 4000, 32 << 10, 48 << 10, false},
		// At least 4,000 + 2*sqrt(300*2,000*2,000) = 73,282: over 48 KB.
		{"longer list", 2000, 2000, 4000, 48 << 10, 200 << 10, false},
		// A head over 200 KB leaves no room at all.
		{"no room", 100, 200, 210 << 10, 0, 0, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			render := func(pages []span, i int) ([]byte, int, error) {
				return make([]byte, c.head+c.perPart*len(pages)+300*(pages[i].hi-pages[i].lo)), i, nil
			}
			pages, htmls, _, err := paginateWithin(o.splits(), []int{c.n}, c.head+300*c.n, "the table", render)
			if c.tooLarge {
				if !errors.Is(err, ErrPageTooLarge) {
					t.Errorf("err %v, want ErrPageTooLarge", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			largest, rows := 0, 0
			for i, h := range htmls {
				largest = max(largest, len(h))
				rows += pages[i].hi - pages[i].lo
			}
			if largest <= c.least || largest > c.most || rows != c.n {
				t.Errorf("%d pages, the largest %d bytes, %d rows; want the largest in (%d, %d] and %d rows",
					len(pages), largest, rows, c.least, c.most, c.n)
			}
		})
	}
}

// TestNearParts checks the parts a page lists against lists worked out by
// hand: three groups of 1, 10 and 2 pages (parts 0; 1 to 10; 11 and 12).
func TestNearParts(t *testing.T) {
	t.Parallel()
	var parts []Part
	for g, pages := range []int{1, 10, 2} {
		for n := 1; n <= pages; n++ {
			title := string(rune('A'+g)) + string(rune('0'+n%10))
			parts = append(parts, Part{Title: title, URL: title + "/", Page: n, Pages: pages})
		}
	}
	for _, tc := range []struct {
		name string
		at   int
		want []string // titles, a Skipped count before a title as "+n"
	}{
		// Page 5 of the second group: its pages 2 to 8 (within three of
		// 5) and its last, with page 9 left out before it.
		{"middle", 5, []string{"A1", "B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "+1", "B0", "C1"}},
		// Page 1 of the second group: pages 2 to 4, then 5 to 9 left out.
		{"first of a group", 1, []string{"A1", "B1", "B2", "B3", "B4", "+5", "B0", "C1"}},
		// Its last page: pages 7 to 9 near it, 2 to 6 left out.
		{"last of a group", 10, []string{"A1", "B1", "+5", "B7", "B8", "B9", "B0", "C1"}},
		// A group of one page: every group's first, and the third's
		// second page is not near.
		{"group of one", 0, []string{"A1", "B1", "C1"}},
		// The third group's second page: both its pages.
		{"small group", 12, []string{"A1", "B1", "C1", "C2"}},
		// No page shown (a period's page, which the regions left): each
		// group's first page only.
		{"none", -1, []string{"A1", "B1", "C1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, p := range nearParts(parts, tc.at) {
				if p.Skipped > 0 {
					got = append(got, "+"+strconv.Itoa(p.Skipped))
				}
				got = append(got, p.Title)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("nearParts(at %d) = %v, want %v", tc.at, got, tc.want)
			}
		})
	}
	if got := nearParts(nil, 0); len(got) != 0 {
		t.Errorf("nearParts(nil) = %v", got)
	}
	// listAt marks the page's own part current, in the list and in the
	// copy it returns, and no other.
	listed, own := listAt(parts, 5)
	if own.Title != "B5" || !own.Current || parts[5].Current {
		t.Errorf("listAt's own part %+v, every part's %+v", own, parts[5])
	}
	for _, p := range listed {
		if p.Current != (p.Title == "B5") {
			t.Errorf("listAt lists %s current: %v", p.Title, p.Current)
		}
	}
}
