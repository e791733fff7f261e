package schemas

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestParseNumber(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want Number
	}{
		{"whole", "85", Number{Value: 85}},
		{"one decimal place", "85.0", Number{Value: 85, Decimals: 1}},
		{"percent", "85%", Number{Value: 85, Percent: true}},
		{"percent with space", "85.25 %", Number{Value: 85.25, Decimals: 2, Percent: true}},
		{"thousands", "1,234", Number{Value: 1234}},
		{"millions", "1,234,567", Number{Value: 1234567}},
		{"pounds and pence", "£1,234.50", Number{Value: 1234.5, Decimals: 2}},
		{"negative", "-2.5", Number{Value: -2.5, Decimals: 1}},
		{"negative pounds", "-£3", Number{Value: -3}},
		{"pounds negative", "£-3", Number{Value: -3}},
		{"surrounding spaces", " 12 ", Number{Value: 12}},
		{"leading point", ".5", Number{Value: 0.5, Decimals: 1}},
		{"zero", "0", Number{Value: 0}},
		{"many decimals", "0.000123", Number{Value: 0.000123, Decimals: 6}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseNumber(tt.in)
			if err != nil {
				t.Fatalf("ParseNumber(%q) error: %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParseNumber(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseNumberErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"decimal comma", "85,5", `not a number: "85,5": a comma must separate thousands (write decimals with a point)`},
		{"short group", "1,23", `not a number: "1,23": a comma must separate thousands (write decimals with a point)`},
		{"long first group", "1234,567", `not a number: "1234,567": misplaced thousands separator`},
		{"leading comma", ",123", `not a number: ",123": misplaced thousands separator`},
		{"letters", "abc", `not a number: "abc"`},
		{"blank", "", `not a number: ""`},
		{"percent sign alone", "%", `not a number: "%"`},
		{"point alone", ".", `not a number: "."`},
		{"scientific notation", "1e5", `not a number: "1e5"`},
		{"capital scientific notation", "1.5E+3", `not a number: "1.5E+3"`},
		{"NaN", "NaN", `not a number: "NaN"`},
		{"Inf", "Inf", `not a number: "Inf"`},
		{"negative infinity", "-Infinity", `not a number: "-Infinity"`},
		{"hexadecimal", "0x1F", `not a number: "0x1F"`},
		{"underscores", "1_000", `not a number: "1_000"`},
		{"double minus", "--1", `not a number: "--1"`},
		{"minus either side of the pound", "-£-1", `not a number: "-£-1"`},
		{"two points", "1.2.3", `not a number: "1.2.3"`},
		{"plus", "+5", `not a number: "+5"`},
		{"marker", "[c]", `not a number: "[c]"`},
		{"too large", "1" + strings.Repeat("0", 400), `not a number: "1` + strings.Repeat("0", 400) + `" is out of range`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseNumber(tt.in)
			if err == nil {
				t.Fatalf("ParseNumber(%q) = %+v, want error %q", tt.in, got, tt.want)
			}
			if !errors.Is(err, ErrNumber) {
				t.Errorf("ParseNumber(%q) error %v does not wrap ErrNumber", tt.in, err)
			}
			if err.Error() != tt.want {
				t.Errorf("ParseNumber(%q) error\n got %q\nwant %q", tt.in, err.Error(), tt.want)
			}
		})
	}
}

func TestParseWhole(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    int64
		wantErr string
	}{
		{"plain", "12", 12, ""},
		{"thousands", "1,234", 1234, ""},
		{"zero decimals", "12.0", 12, ""},
		{"several zero decimals", "12.000", 12, ""},
		{"spaces", " 7 ", 7, ""},
		{"negative", "-3", -3, ""},
		{"largest", "9,223,372,036,854,775,807", math.MaxInt64, ""},
		{"exact beyond float precision", "9007199254740993", 9007199254740993, ""},
		{"half", "12.5", 0, `not a number: "12.5" is not a whole number`},
		{"a little over", "12.01", 0, `not a number: "12.01" is not a whole number`},
		{"percent", "12%", 0, `not a number: "12%" is not a whole number`},
		{"too large", "9223372036854775808", 0, `not a number: "9223372036854775808" is out of range`},
		{"not a number", "twelve", 0, `not a number: "twelve"`},
		{"scientific notation", "1e5", 0, `not a number: "1e5"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseWhole(tt.in)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("ParseWhole(%q) = %d, want error %q", tt.in, got, tt.wantErr)
				}
				if !errors.Is(err, ErrNumber) || err.Error() != tt.wantErr {
					t.Errorf("ParseWhole(%q) error\n got %q\nwant %q (wrapping ErrNumber)", tt.in, err.Error(), tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseWhole(%q) error: %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParseWhole(%q) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

// TestOutOfRange checks that figures too large to hold at all are told
// apart from figures that cannot be read, so a check can say "too large"
// rather than "not a number".
func TestOutOfRange(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		parse func(string) error
		in    string
		want  bool
	}{
		{"value beyond float64", func(s string) error { _, err := ParseNumber(s); return err }, "1" + strings.Repeat("0", 400), true},
		{"count beyond int64", func(s string) error { _, err := ParseWhole(s); return err }, "9223372036854775808", true},
		{"count with separators beyond int64", func(s string) error { _, err := ParseWhole(s); return err }, "-9,223,372,036,854,775,809", true},
		{"not a number", func(s string) error { _, err := ParseNumber(s); return err }, "abc", false},
		{"not whole", func(s string) error { _, err := ParseWhole(s); return err }, "1.5", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.parse(tt.in)
			if !errors.Is(err, ErrNumber) || errors.Is(err, ErrOutOfRange) != tt.want {
				t.Errorf("error %v: wraps ErrNumber %v, ErrOutOfRange %v; want true, %v",
					err, errors.Is(err, ErrNumber), errors.Is(err, ErrOutOfRange), tt.want)
			}
		})
	}
}

func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{
		"85", "85.0", "85%", "1,234", "£1,234.50", "-2.5", "-£3", " 12 ", "85,5", "1,23",
		"abc", "12.5", "1e5", "NaN", "Inf", "--1", "£-3", ".5", "9223372036854775808",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseNumber(s)
		if err != nil {
			if !errors.Is(err, ErrNumber) {
				t.Fatalf("ParseNumber(%q) error %v does not wrap ErrNumber", s, err)
			}
		} else if math.IsNaN(n.Value) || math.IsInf(n.Value, 0) {
			t.Fatalf("ParseNumber(%q) = %v, want a finite value", s, n.Value)
		}
		w, werr := ParseWhole(s)
		if werr == nil {
			if err != nil {
				t.Fatalf("ParseWhole(%q) = %d but ParseNumber fails: %v", s, w, err)
			}
			// Both are correctly rounded conversions of the same integer.
			if float64(w) != n.Value {
				t.Fatalf("ParseWhole(%q) = %d, but ParseNumber gives %v", s, w, n.Value)
			}
		}
	})
}

// FuzzValueCell reads arbitrary text as ingest reads a value cell: a
// trailing qualifier split off ("85.2 [p]"), then a marker on its own or a
// figure. It checks that splitting only ever takes a [u], [r] or [p] off
// the end, that no cell is both a marker and a figure (which would make its
// meaning depend on the order of the checks), and that a figure is finite.
func FuzzValueCell(f *testing.F) {
	for _, s := range []string{
		"85.2 [p]", "85 [r]", "[u]", " 12 [U] ", "[c]", "c", "x", "z", "*", "-", "..", ".", "NA", "n/a", "",
		"£21.50", "85%", "1,234 [p]", "-", "- [p]", "[x] [p]", "85 [q]", "[p][p]", "7.5 [p]",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		text, st := SplitQualifier(s)
		switch st {
		case StatusNone:
			if text != s {
				t.Fatalf("SplitQualifier(%q) = %q with no qualifier", s, text)
			}
		case StatusLowReliab, StatusRevised, StatusProvisional:
			trimmed := strings.TrimSpace(s)
			if !strings.HasPrefix(trimmed, text) || len(trimmed)-len(text) < 3 || !strings.HasSuffix(trimmed, "]") {
				t.Fatalf("SplitQualifier(%q) = %q, %q: not the cell less a trailing qualifier", s, text, st)
			}
		default:
			t.Fatalf("SplitQualifier(%q) gives status %q, not a qualifier", s, st)
		}
		n, err := ParseNumber(text)
		if err == nil && (math.IsNaN(n.Value) || math.IsInf(n.Value, 0)) {
			t.Fatalf("ParseNumber(%q) = %v", text, n.Value)
		}
		if m, ok := ParseMarker(text); ok && err == nil {
			t.Fatalf("%q is both the marker %q and the figure %v", text, m, n.Value)
		}
	})
}
