package schemas

import (
	"sort"
	"strings"
)

// Closest returns up to n of the candidates nearest to s by edit distance,
// ignoring case, for "did you mean" hints. Candidates further than half the
// length of s are left out.
func Closest(s string, candidates []string, n int) []string {
	type scored struct {
		c string
		d int
	}
	ls := strings.ToLower(s)
	limit := max(2, len([]rune(ls))/2)
	var best []scored
	for _, c := range candidates {
		d := editDistance(ls, strings.ToLower(c))
		if strings.HasPrefix(strings.ToLower(c), ls) && ls != "" {
			d = min(d, 1)
		}
		if d <= limit {
			best = append(best, scored{c, d})
		}
	}
	sort.SliceStable(best, func(i, j int) bool {
		if best[i].d != best[j].d {
			return best[i].d < best[j].d
		}
		return best[i].c < best[j].c
	})
	var out []string
	seen := map[string]bool{}
	for _, b := range best {
		if len(out) == n {
			break
		}
		if !seen[b.c] {
			seen[b.c] = true
			out = append(out, b.c)
		}
	}
	return out
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
