package schemas

import (
	"slices"
	"testing"
)

func TestCanonicalColumn(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		header      string
		wantCol     string
		wantPrimary bool
		wantOK      bool
	}{
		{"canonical", "council_code", ColCouncil, true, true},
		{"LA code", "LA code", ColCouncil, true, true},
		{"local authority", "Local authority", ColCouncil, true, true},
		{"DfE nine-digit code", "LA_9digit", ColCouncil, true, true},
		{"byte order mark", "\ufeffcouncil_code", ColCouncil, true, true},
		{"area code", "area_code", ColCouncil, true, true},
		{"area name is secondary", "area_name", ColCouncil, false, true},
		{"LA name is secondary", "LA name", ColCouncil, false, true},
		{"provider", "Provider", ColProviderName, true, true},
		{"CQC provider ID", "CQC Provider ID", ColProviderID, true, true},
		{"Ofsted URN", "URN", ColProviderID, true, true},
		{"sector", "Sector", ColProviderSector, true, true},
		{"service type", "Service Type", ColService, true, true},
		{"measure", "Measure", ColMetric, true, true},
		{"KPI", "KPI", ColMetric, true, true},
		{"quarter", "Quarter", ColPeriod, true, true},
		{"financial year", "Financial Year", ColPeriod, true, true},
		{"numerator", "Numerator", ColNumerator, true, true},
		{"denominator", "Denom.", ColDenominator, true, true},
		{"value", " Value ", ColValue, true, true},
		{"percentage", "Percentage", ColValue, true, true},
		{"notes", "Notes", ColNote, true, true},
		{"punctuation and case", "PROVIDER-ID", ColProviderID, true, true},
		{"unknown", "Postcode", "", false, false},
		{"blank", "", "", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			col, primary, ok := CanonicalColumn(tt.header)
			if col != tt.wantCol || primary != tt.wantPrimary || ok != tt.wantOK {
				t.Errorf("CanonicalColumn(%q) = %q, %v, %v; want %q, %v, %v",
					tt.header, col, primary, ok, tt.wantCol, tt.wantPrimary, tt.wantOK)
			}
		})
	}
}

func TestEveryColumnNamesItself(t *testing.T) {
	t.Parallel()
	for _, col := range Columns {
		t.Run(col, func(t *testing.T) {
			t.Parallel()
			got, primary, ok := CanonicalColumn(col)
			if got != col || !primary || !ok {
				t.Errorf("CanonicalColumn(%q) = %q, %v, %v; want %q, true, true", col, got, primary, ok, col)
			}
			if aliases := ColumnAliases(col); !slices.Contains(aliases, NormaliseHeader(col)) {
				t.Errorf("ColumnAliases(%q) = %v, want it to hold %q", col, aliases, NormaliseHeader(col))
			}
		})
	}
}

func TestNormaliseHeader(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"spaces", "LA code", "lacode"},
		{"underscores", "la_code", "lacode"},
		{"hyphens", "LA-Code", "lacode"},
		{"byte order mark", "\ufeffFID", "fid"},
		{"digits kept", "LA_9digit", "la9digit"},
		{"non-breaking space", "Provider\u00a0ID", "providerid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := NormaliseHeader(tt.in); got != tt.want {
				t.Errorf("NormaliseHeader(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestColumnAliases(t *testing.T) {
	t.Parallel()
	got := ColumnAliases(ColNumerator)
	want := []string{"num", "numerator"}
	if !slices.Equal(got, want) {
		t.Errorf("ColumnAliases(%q) = %v, want %v", ColNumerator, got, want)
	}
	council := ColumnAliases(ColCouncil)
	for _, a := range []string{"areacode", "areaname", "la9digit"} {
		if !slices.Contains(council, a) {
			t.Errorf("ColumnAliases(%q) = %v, want it to hold %q", ColCouncil, council, a)
		}
	}
	if !slices.IsSorted(council) {
		t.Errorf("ColumnAliases(%q) = %v, want it sorted", ColCouncil, council)
	}
}

func TestRequiredColumnsAreColumns(t *testing.T) {
	t.Parallel()
	for _, col := range RequiredColumns {
		if !slices.Contains(Columns, col) {
			t.Errorf("required column %q is not in Columns", col)
		}
	}
}
