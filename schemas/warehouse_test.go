package schemas

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

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

func TestWarehouseTempFileID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, id, council string
		ok                bool
	}{
		{".s-1_E08000009.parquet.tmp-0a1b2c", "s-1", "E08000009", true},
		{".s-1.parquet.tmp-0a1b2c", "s-1", "", true},
		{"s-1.parquet.tmp-0a1b2c", "", "", false},
		{".s-1.parquet", "", "", false},
		{".layout.json.tmp-0a1b2c", "", "", false},
	}
	for _, tt := range tests {
		id, council, ok := WarehouseTempFileID(tt.name)
		if id != tt.id || council != tt.council || ok != tt.ok {
			t.Errorf("WarehouseTempFileID(%q) = %q, %q, %v; want %q, %q, %v", tt.name, id, council, ok, tt.id, tt.council, tt.ok)
		}
	}
}

// TestReadWarehouseLayout checks how the layout of a warehouse is told:
// from layout.json when there is one, and otherwise from whether a period
// folder holds council folders.
func TestReadWarehouseLayout(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		files    map[string]string // path under the data folder: content ("/" ending: a folder)
		version  int
		recorded bool
		err      string
	}{
		{name: "no warehouse", version: 2},
		{name: "layout 1", files: map[string]string{"warehouse/observations/period=2024-25-Q1/council=E08000009/": ""}, version: 1},
		{name: "layout 2 unrecorded", files: map[string]string{"warehouse/observations/period=2024-25-Q1/s-1_E08000009.parquet": "x"}, version: 2},
		{name: "recorded", files: map[string]string{"warehouse/layout.json": `{"observations": 2}`}, version: 2, recorded: true},
		{name: "recorded wins", files: map[string]string{"warehouse/layout.json": `{"observations": 2}`,
			"warehouse/observations/period=2024-25-Q1/council=E08000009/": ""}, version: 2, recorded: true},
		{name: "damaged", files: map[string]string{"warehouse/layout.json": `{"observ`}, err: `it should read {"observations": 2}`},
		{name: "unknown", files: map[string]string{"warehouse/layout.json": `{"observations": 3}`}, err: "names observation layout 3, which this version of yardstick does not know"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			for p, content := range tt.files {
				path := filepath.Join(root, filepath.FromSlash(p))
				if strings.HasSuffix(p, "/") {
					if err := os.MkdirAll(path, 0o755); err != nil {
						t.Fatal(err)
					}
					continue
				}
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			v, recorded, err := ReadWarehouseLayout(Layout{Root: root})
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("error %v, want one saying %q", err, tt.err)
				}
				return
			}
			if err != nil || v != tt.version || recorded != tt.recorded {
				t.Errorf("got %d, %v, %v; want %d, %v", v, recorded, err, tt.version, tt.recorded)
			}
		})
	}
}
