package site

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/yardstick-open/yardstick/publish/duckdb"
)

// TestSortRows checks sortRows, which moves rows in place cycle by cycle,
// against the standard library's stable sort of the same rows: tables of
// every size to 40 with keys drawn from few values, so that ties (kept in
// their order) and cycles of every length occur.
func TestSortRows(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	byName := func(a, b *RowView) int { return cmp.Compare(a.ProviderName, b.ProviderName) }
	for n := range 41 {
		for range 20 {
			rows := make([]RowView, n)
			for i := range rows {
				rows[i] = RowView{SiteRow: duckdb.SiteRow{CouncilName: string(rune('a' + i))}}
				rows[i].ProviderName = string(rune('a' + rng.IntN(4)))
			}
			want := slices.Clone(rows)
			slices.SortStableFunc(want, func(a, b RowView) int { return byName(&a, &b) })
			sortRows(rows, byName)
			for i := range rows {
				if rows[i].ProviderName != want[i].ProviderName || rows[i].CouncilName != want[i].CouncilName {
					t.Fatalf("%d rows: row %d is %s/%s, want %s/%s", n, i, rows[i].ProviderName, rows[i].CouncilName,
						want[i].ProviderName, want[i].CouncilName)
				}
			}
		}
	}
}
