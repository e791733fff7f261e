package schemas

import (
	"path/filepath"
	"testing"
)

func TestLayout(t *testing.T) {
	t.Parallel()
	l := Layout{Root: "data"}
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"submissions", l.Submissions(), "data/submissions"},
		{"submission", l.Submission("s-1"), "data/submissions/s-1"},
		{"observations", l.Observations(), "data/warehouse/observations"},
		{"observation file", l.ObservationFile("2024-25-Q1", "E08000009", "s-1"),
			"data/warehouse/observations/period=2024-25-Q1/council=E08000009/s-1.parquet"},
		{"releases", l.Releases(), "data/releases"},
		{"release", l.Release("r-1"), "data/releases/r-1"},
		{"current", l.Current(), "data/current"},
		{"catalogue", l.CatalogueFile(), "data/catalogue.yaml"},
		{"peer groups", l.PeerGroupsFile(), "data/peer-groups.csv"},
		{"tokens", l.TokensFile(), "data/tokens.json"},
		{"warehouse", l.Warehouse(), "data/warehouse"},
		{"layout file", l.WarehouseLayoutFile(), "data/warehouse/layout.json"},
		{"period", l.ObservationPeriod("2024-25-Q1"), "data/warehouse/observations/period=2024-25-Q1"},
		{"one council", l.ObservationPeriodFile("2024-25-Q1", "E08000009", "s-1"),
			"data/warehouse/observations/period=2024-25-Q1/s-1_E08000009.parquet"},
		{"several councils", l.ObservationPeriodFile("2024-25-Q1", "", "s-1"),
			"data/warehouse/observations/period=2024-25-Q1/s-1.parquet"},
		{"current rows", l.CurrentRows(), "data/warehouse/current"},
		{"current rows file", l.CurrentRowsFile("2024-25-Q1"), "data/warehouse/current/period=2024-25-Q1/current.parquet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if want := filepath.FromSlash(tt.want); tt.got != want {
				t.Errorf("got %q, want %q", tt.got, want)
			}
		})
	}
}
