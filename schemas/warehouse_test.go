package schemas

import (
	"path/filepath"
	"testing"
)

func TestWarehousePaths(t *testing.T) {
	t.Parallel()
	l := Layout{Root: "data"}
	tests := []struct {
		name string
		got  string
		want string
	}{
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
		if want := filepath.FromSlash(tt.want); tt.got != want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, want)
		}
	}
}

func TestWarehouseFileID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, id, council string
		ok                bool
	}{
		{"20261130T181759.771092Z-4583f96d.parquet", "20261130T181759.771092Z-4583f96d", "", true},
		{"20261130T181759.771092Z-4583f96d_E08000009.parquet", "20261130T181759.771092Z-4583f96d", "E08000009", true},
		{".20261130T181759.771092Z-4583f96d_E08000009.parquet.tmp-123", "", "", false},
		{".s-1.parquet", "", "", false},
		{"s-1_E1_E2.parquet", "", "", false},
		{"_E08000009.parquet", "", "", false},
		{".parquet", "", "", false},
		{"s-1.json", "", "", false},
		{"current.parquet", "current", "", true},
	}
	for _, tt := range tests {
		id, council, ok := WarehouseFileID(tt.name)
		if id != tt.id || council != tt.council || ok != tt.ok {
			t.Errorf("WarehouseFileID(%q) = %q, %q, %v; want %q, %q, %v", tt.name, id, council, ok, tt.id, tt.council, tt.ok)
		}
	}
}
