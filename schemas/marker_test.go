package schemas

import "testing"

func TestParseMarker(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		in     string
		want   Status
		wantOK bool
	}{
		{"bracketed c", "[c]", StatusConfidential, true},
		{"bare c", "c", StatusConfidential, true},
		{"capital C", "C", StatusConfidential, true},
		{"asterisk", "*", StatusConfidential, true},
		{"bracketed x", "[x]", StatusNotAvailable, true},
		{"bare x", "x", StatusNotAvailable, true},
		{"two dots", "..", StatusNotAvailable, true},
		{"one dot", ".", StatusNotAvailable, true},
		{"NA", "NA", StatusNotAvailable, true},
		{"na", "na", StatusNotAvailable, true},
		{"blank", "", StatusNotAvailable, true},
		{"spaces", "   ", StatusNotAvailable, true},
		{"n/a", "n/a", StatusNotApplic, true},
		{"N/A", "N/A", StatusNotApplic, true},
		{"bracketed z", "[z]", StatusNotApplic, true},
		{"bare z", "z", StatusNotApplic, true},
		{"hyphen", "-", StatusNotApplic, true},
		{"bracketed u", "[u]", StatusLowReliab, true},
		{"bracketed r", "[r]", StatusRevised, true},
		{"bracketed p", "[p]", StatusProvisional, true},
		{"capital bracketed P", "[P]", StatusProvisional, true},
		{"padded", " [c] ", StatusConfidential, true},
		{"figure", "85", StatusNone, false},
		{"figure with qualifier", "85.2 [p]", StatusNone, false},
		{"bare p is not a marker", "p", StatusNone, false},
		{"zero is a figure", "0", StatusNone, false},
		{"word", "suppressed", StatusNone, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := ParseMarker(tt.in)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("ParseMarker(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestSplitQualifier(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		in         string
		wantFigure string
		wantStatus Status
	}{
		{"provisional", "85.2 [p]", "85.2", StatusProvisional},
		{"revised without space", "85.2[r]", "85.2", StatusRevised},
		{"low reliability upper case", "12 [U]", "12", StatusLowReliab},
		{"padded", "  1,234 [p]  ", "1,234", StatusProvisional},
		{"percent", "85% [p]", "85%", StatusProvisional},
		{"no qualifier", "85.2", "85.2", StatusNone},
		{"no qualifier keeps spaces", " 85.2 ", " 85.2 ", StatusNone},
		{"suppression is not a qualifier", "85 [c]", "85 [c]", StatusNone},
		{"marker alone", "[p]", "[p]", StatusNone},
		{"unclosed", "85 [p", "85 [p", StatusNone},
		{"blank", "", "", StatusNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fig, st := SplitQualifier(tt.in)
			if fig != tt.wantFigure || st != tt.wantStatus {
				t.Errorf("SplitQualifier(%q) = %q, %q; want %q, %q", tt.in, fig, st, tt.wantFigure, tt.wantStatus)
			}
		})
	}
}

func TestStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status    Status
		label     string
		bracketed string
		hides     bool
	}{
		{StatusNone, "", "", false},
		{StatusConfidential, "confidential or suppressed", "[c]", true},
		{StatusNotAvailable, "not available", "[x]", true},
		{StatusNotApplic, "not applicable", "[z]", true},
		{StatusLowReliab, "low reliability", "[u]", false},
		{StatusRevised, "revised", "[r]", false},
		{StatusProvisional, "provisional", "[p]", false},
	}
	for _, tt := range tests {
		name := string(tt.status)
		if name == "" {
			name = "none"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if got := tt.status.Label(); got != tt.label {
				t.Errorf("Label() = %q, want %q", got, tt.label)
			}
			if got := tt.status.Bracketed(); got != tt.bracketed {
				t.Errorf("Bracketed() = %q, want %q", got, tt.bracketed)
			}
			if got := tt.status.HidesValue(); got != tt.hides {
				t.Errorf("HidesValue() = %v, want %v", got, tt.hides)
			}
			if tt.status != StatusNone {
				// The bracketed form a release writes must read back.
				if got, ok := ParseMarker(tt.bracketed); !ok || got != tt.status {
					t.Errorf("ParseMarker(%q) = %q, %v; want %q, true", tt.bracketed, got, ok, tt.status)
				}
			}
		})
	}
	if len(Statuses) != 6 {
		t.Errorf("Statuses has %d markers, want 6", len(Statuses))
	}
}
