package site

import (
	"errors"
	"slices"
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
