package schemas

import (
	"slices"
	"testing"
)

func TestClosest(t *testing.T) {
	t.Parallel()
	candidates := []string{"homecare", "care-home", "childrens-home", "supported-living", "waste-collection"}
	tests := []struct {
		name  string
		in    string
		n     int
		want  []string
		extra []string // candidates added for this case
	}{
		{"one typo", "homecar", 3, []string{"homecare"}, nil},
		{"case ignored", "HomeCare", 3, []string{"homecare"}, nil},
		{"prefix counts as near", "supp", 3, []string{"supported-living"}, nil},
		{"ties sorted by name", "care-homes", 3, []string{"care-home"}, nil},
		{"nothing near", "zzzzzzzz", 3, nil, nil},
		{"at most n", "home", 1, []string{"homecare"}, nil},
		{"duplicates once", "homecare", 3, []string{"homecare"}, []string{"homecare"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cands := append(slices.Clone(candidates), tt.extra...)
			if got := Closest(tt.in, cands, tt.n); !slices.Equal(got, tt.want) {
				t.Errorf("Closest(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
			}
		})
	}
}

func TestEditDistance(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"abc", "", 3},
		{"kitten", "sitting", 3},
		{"E0800009", "E08000009", 1},
		{"Ynys Môn", "Ynys Mon", 1}, // runes, not bytes
	}
	for _, tt := range tests {
		t.Run(tt.a+"/"+tt.b, func(t *testing.T) {
			t.Parallel()
			if got := editDistance(tt.a, tt.b); got != tt.want {
				t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
			}
		})
	}
}
