package duckdb

import (
	"database/sql"
	"reflect"
	"testing"
)

// TestAuditNarrow checks the interval audit on groups given directly,
// against ranges worked by hand. Each case is one group of this release:
// a published total and parts, some hidden.
func TestAuditNarrow(t *testing.T) {
	t.Parallel()
	num := func(v float64) sql.NullFloat64 { return sql.NullFloat64{Float64: v, Valid: true} }
	shown := func(provider string, total bool, x, n float64, kind string) auditMember {
		return auditMember{Group: "g", Cell: cellKey{Provider: provider}, Total: total, X: num(x), N: num(n), Kind: kind}
	}
	hidden := func(provider string, x, n float64, primary bool, kind string) auditMember {
		return auditMember{Group: "g", Cell: cellKey{Provider: provider}, Unknown: true, TX: num(x), TN: num(n),
			Primary: primary, Kind: kind}
	}
	type want struct {
		Provider, What string
		Lo, Hi         float64
	}
	tests := []struct {
		Name    string
		Members []auditMember
		Want    []want
	}{
		// 10 - 6 leaves 4 for P2 + P3: each 0 to 4. Their bed days sum
		// to 2000, each 0 to 2000, wide enough.
		{"two small parts summing to 4", []auditMember{
			shown("", true, 10, 3000, "rate"), shown("P1", false, 6, 1000, "rate"),
			hidden("P2", 2, 1000, true, "rate"), hidden("P3", 2, 1000, true, "rate")},
			[]want{{"P2", "numerator", 0, 4}, {"P3", "numerator", 0, 4}}},
		// With a complement of 12 hidden too, 16 is left: 0 to 16.
		{"a third part hidden", []auditMember{
			shown("", true, 22, 4000, "rate"), shown("P1", false, 6, 1000, "rate"), hidden("P4", 12, 1000, false, "rate"),
			hidden("P2", 2, 1000, true, "rate"), hidden("P3", 2, 1000, true, "rate")},
			nil},
		// A total of 20 over parts whose own figures sum to 10: the
		// figures do not add up, so the group says nothing true of them.
		{"a total that holds more than its parts", []auditMember{
			shown("", true, 20, 3000, "rate"), shown("P1", false, 6, 1000, "rate"),
			hidden("P2", 2, 1000, true, "rate"), hidden("P3", 2, 1000, true, "rate")},
			nil},
		// Proportions 48/50 and 52/54 beside a total of 100/104: the
		// complements sum to 104 - 100 = 4, each 0 to 4, while the
		// numerators (0 to 100, as a numerator is at most its
		// denominator, 0 to 104) are wide.
		{"complements of proportions", []auditMember{
			shown("", true, 100, 104, "proportion"),
			hidden("P1", 48, 50, true, "proportion"), hidden("P2", 52, 54, true, "proportion")},
			[]want{{"P1", "complement", 0, 4}, {"P2", "complement", 0, 4}}},
		// Counts that sum to 0 are each 0.
		{"hidden counts forced to 0", []auditMember{
			shown("", true, 7, 0, "count"), shown("P1", false, 7, 0, "count"),
			hidden("P2", 0, 0, true, "count"), hidden("P3", 0, 0, false, "count")},
			[]want{{"P2", "count", 0, 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			t.Parallel()
			var got []want
			for _, n := range auditNarrow(tt.Members) {
				if n.Err != nil {
					t.Fatalf("%v: %v", n.Cell, n.Err)
				}
				got = append(got, want{n.Cell.Provider, n.What, n.Lo, n.Hi})
			}
			if !reflect.DeepEqual(got, tt.Want) {
				t.Errorf("narrow = %v, want %v", got, tt.Want)
			}
		})
	}
}
