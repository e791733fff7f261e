package api

import (
	"bytes"
	"encoding/csv"
	"path/filepath"
	"slices"
	"testing"

	"github.com/yardstick-open/yardstick/publish/publishtest"
	"github.com/yardstick-open/yardstick/schemas"
)

// TestProviderProfileList checks providers/{id}/profile against the
// release's data/provider-profiles.parquet, read through DuckDB as a user
// would: as JSON and as CSV it holds exactly the provider's rows of the
// file, in the file's order (metric, period, service), with the file's
// columns, and every cell of the CSV is the file's (its numbers as DuckDB
// writes them, compared as numbers).
func TestProviderProfileList(t *testing.T) {
	t.Parallel()
	f, _, hs := shared(t)
	tab, _ := schemas.PublicTable("provider_profile")
	header, rows := publishtest.ReadParquet(t, filepath.Join(f.second.Dir, filepath.FromSlash(tab.Parquet)))
	id := slices.Index(header, "provider_id")
	var want [][]string
	for _, r := range rows {
		if r[id] == alpha {
			want = append(want, r)
		}
	}
	if len(want) < 2 {
		t.Fatalf("the fixture's profile of %s has %d rows; the test needs several", alpha, len(want))
	}
	u := hs.URL + Prefix + "/providers/" + alpha + "/profile?page_size=1000"
	items, total := items(t, get(t, u))
	if total != len(want) || len(items) != len(want) {
		t.Fatalf("GET %s: %d items of %d, want the file's %d rows", u, len(items), total, len(want))
	}
	a := get(t, u+"&format=csv")
	records, err := csv.NewReader(bytes.NewReader(a.body)).ReadAll()
	if err != nil {
		t.Fatalf("format=csv: %v", err)
	}
	if !slices.Equal(records[0], header) {
		t.Fatalf("CSV header %v, want the file's %v", records[0], header)
	}
	if len(records)-1 != len(want) {
		t.Fatalf("CSV: %d rows, want %d", len(records)-1, len(want))
	}
	for i, rec := range records[1:] {
		for j, cell := range rec {
			if !sameCell(tab.Columns[j], cell, want[i][j]) {
				t.Errorf("row %d, %s: CSV %q, the file %q", i+1, header[j], cell, want[i][j])
			}
		}
	}
}
