package schemas

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// day returns midnight UTC on the given date, for writing expected period
// bounds by hand.
func day(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func TestParsePeriod(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		in    string
		id    string
		kind  PeriodKind
		start time.Time
		end   time.Time
	}{
		// Canonical ids.
		{"quarter 1", "2024-25-Q1", "2024-25-Q1", Quarter, day(2024, time.April, 1), day(2024, time.June, 30)},
		{"quarter 2", "2024-25-Q2", "2024-25-Q2", Quarter, day(2024, time.July, 1), day(2024, time.September, 30)},
		{"quarter 3", "2024-25-Q3", "2024-25-Q3", Quarter, day(2024, time.October, 1), day(2024, time.December, 31)},
		{"quarter 4 is in the next calendar year", "2024-25-Q4", "2024-25-Q4", Quarter, day(2025, time.January, 1), day(2025, time.March, 31)},
		{"financial year", "2024-25", "2024-25", Year, day(2024, time.April, 1), day(2025, time.March, 31)},
		{"month", "2024-06", "2024-06", Month, day(2024, time.June, 1), day(2024, time.June, 30)},
		{"leap February", "2024-02", "2024-02", Month, day(2024, time.February, 1), day(2024, time.February, 29)},
		{"plain February", "2023-02", "2023-02", Month, day(2023, time.February, 1), day(2023, time.February, 28)},
		{"December", "2024-12", "2024-12", Month, day(2024, time.December, 1), day(2024, time.December, 31)},
		{"lower-case q", "2024-25-q1", "2024-25-Q1", Quarter, day(2024, time.April, 1), day(2024, time.June, 30)},

		// Spellings councils use.
		{"quarter before year", "Q1 2024/25", "2024-25-Q1", Quarter, day(2024, time.April, 1), day(2024, time.June, 30)},
		{"quarter after year", "2024/25 Q1", "2024-25-Q1", Quarter, day(2024, time.April, 1), day(2024, time.June, 30)},
		{"quarter after long year", "2024/2025 Q3", "2024-25-Q3", Quarter, day(2024, time.October, 1), day(2024, time.December, 31)},
		{"quarter spelt out", "Quarter 4 2024/25", "2024-25-Q4", Quarter, day(2025, time.January, 1), day(2025, time.March, 31)},
		{"quarter with FY prefix", "Q2 FY2024/25", "2024-25-Q2", Quarter, day(2024, time.July, 1), day(2024, time.September, 30)},
		{"month range April to June", "Apr-Jun 2024", "2024-25-Q1", Quarter, day(2024, time.April, 1), day(2024, time.June, 30)},
		{"month range January to March", "Jan-Mar 2025", "2024-25-Q4", Quarter, day(2025, time.January, 1), day(2025, time.March, 31)},
		{"month range with to", "October to December 2024", "2024-25-Q3", Quarter, day(2024, time.October, 1), day(2024, time.December, 31)},
		{"slashed year", "2024/25", "2024-25", Year, day(2024, time.April, 1), day(2025, time.March, 31)},
		{"slashed long year", "2024/2025", "2024-25", Year, day(2024, time.April, 1), day(2025, time.March, 31)},
		{"hyphenated long year", "2024-2025", "2024-25", Year, day(2024, time.April, 1), day(2025, time.March, 31)},
		{"FY prefix", "FY 2024/25", "2024-25", Year, day(2024, time.April, 1), day(2025, time.March, 31)},
		{"older year", "2014/15", "2014-15", Year, day(2014, time.April, 1), day(2015, time.March, 31)},
		{"year across a century", "1999/00", "1999-00", Year, day(1999, time.April, 1), day(2000, time.March, 31)},
		{"long year across a century", "2099/2100", "2099-00", Year, day(2099, time.April, 1), day(2100, time.March, 31)},
		{"month name", "June 2024", "2024-06", Month, day(2024, time.June, 1), day(2024, time.June, 30)},
		{"short month name", "Nov 2023", "2023-11", Month, day(2023, time.November, 1), day(2023, time.November, 30)},
		{"month name with stop", "Sept. 2024", "2024-09", Month, day(2024, time.September, 1), day(2024, time.September, 30)},
		{"month name hyphenated", "Mar-2025", "2025-03", Month, day(2025, time.March, 1), day(2025, time.March, 31)},

		// Dashes, spaces and case as spreadsheets leave them.
		{"en-dash year", "2024\u201325", "2024-25", Year, day(2024, time.April, 1), day(2025, time.March, 31)},
		{"en-dash quarter id", "2024\u201325\u2013Q1", "2024-25-Q1", Quarter, day(2024, time.April, 1), day(2024, time.June, 30)},
		{"en-dash month range", "Apr\u2013Jun 2024", "2024-25-Q1", Quarter, day(2024, time.April, 1), day(2024, time.June, 30)},
		{"em-dash between quarter and year", "Q1 \u2014 2024/25", "2024-25-Q1", Quarter, day(2024, time.April, 1), day(2024, time.June, 30)},
		{"minus sign", "2024\u221225", "2024-25", Year, day(2024, time.April, 1), day(2025, time.March, 31)},
		{"underscore", "2024_25_Q2", "2024-25-Q2", Quarter, day(2024, time.July, 1), day(2024, time.September, 30)},
		{"extra spaces and case", "  q1   2024 / 25 ", "2024-25-Q1", Quarter, day(2024, time.April, 1), day(2024, time.June, 30)},
		{"shouting", "JAN-MAR 2025", "2024-25-Q4", Quarter, day(2025, time.January, 1), day(2025, time.March, 31)},
		{"non-breaking space", "June\u00a02024", "2024-06", Month, day(2024, time.June, 1), day(2024, time.June, 30)},
		{"tab", "2024/25\tQ2", "2024-25-Q2", Quarter, day(2024, time.July, 1), day(2024, time.September, 30)},

		// An id that is both a financial year and a month reads as the year.
		{"financial year that looks like a month", "2011-12", "2011-12", Year, day(2011, time.April, 1), day(2012, time.March, 31)},
		{"month that cannot be a financial year", "2011-11", "2011-11", Month, day(2011, time.November, 1), day(2011, time.November, 30)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParsePeriod(tt.in)
			if err != nil {
				t.Fatalf("ParsePeriod(%q) error: %v", tt.in, err)
			}
			want := Period{ID: tt.id, Kind: tt.kind, Start: tt.start, End: tt.end}
			if got != want {
				t.Errorf("ParsePeriod(%q)\n got %+v\nwant %+v", tt.in, got, want)
			}
			if got.String() != tt.id {
				t.Errorf("String() = %q, want %q", got.String(), tt.id)
			}
		})
	}
}

func TestParsePeriodErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"blank", "", "unrecognised period: the period is blank; write it as 2024-25-Q1, 2024-25 or 2024-06"},
		{"spaces", "   ", "unrecognised period: the period is blank; write it as 2024-25-Q1, 2024-25 or 2024-06"},
		{"calendar year", "2024", `unrecognised period: "2024" is a calendar year; periods are financial years, written 2024-25 (April 2024 to March 2025)`},
		{"ambiguous quarter", "2024 Q1", `unrecognised period: "2024 Q1" could be a calendar or a financial-year quarter; write the financial year, as 2024-25-Q1 (April to June 2024)`},
		{"ambiguous quarter first", "Q3 2024", `unrecognised period: "Q3 2024" could be a calendar or a financial-year quarter; write the financial year, as 2024-25-Q1 (April to June 2024)`},
		{"years not consecutive", "2024/26", `unrecognised period: "2024/26" is not a financial year: the second year must follow the first, as in 2024-25`},
		{"years not consecutive in a quarter", "Q1 2024/2026", `unrecognised period: "Q1 2024/2026" is not a financial year: the second year must follow the first, as in 2024-25`},
		{"years backwards", "2025/24", `unrecognised period: "2025/24" is not a financial year: the second year must follow the first, as in 2025-26`},
		{"month 13", "2024-13", `unrecognised period: "2024-13" is not a financial year: the second year must follow the first, as in 2024-25`},
		{"range not a quarter", "Feb-Apr 2024", `unrecognised period: "Feb-Apr 2024" is not a financial-year quarter (Apr-Jun, Jul-Sep, Oct-Dec or Jan-Mar)`},
		{"calendar half year", "Jan-Jun 2024", `unrecognised period: "Jan-Jun 2024" is not a financial-year quarter (Apr-Jun, Jul-Sep, Oct-Dec or Jan-Mar)`},
		{"garbage", "garbage", `unrecognised period: "garbage"; write it as 2024-25-Q1 (a quarter), 2024-25 (a financial year) or 2024-06 (a month)`},
		{"quarter 5", "2024-25-Q5", `unrecognised period: "2024-25-Q5"; write it as 2024-25-Q1 (a quarter), 2024-25 (a financial year) or 2024-06 (a month)`},
		{"unknown month", "Smarch 2024", `unrecognised period: "Smarch 2024"; write it as 2024-25-Q1 (a quarter), 2024-25 (a financial year) or 2024-06 (a month)`},
		{"date", "2024-06-30", `unrecognised period: "2024-06-30"; write it as 2024-25-Q1 (a quarter), 2024-25 (a financial year) or 2024-06 (a month)`},
		{"year too early", "0224/25", `unrecognised period: "0224/25": the year 224 is outside 1900 to 2099`},
		{"month too late", "June 2124", `unrecognised period: "June 2124": the year 2124 is outside 1900 to 2099`},
		{"quarter too early", "Apr-Jun 1024", `unrecognised period: "Apr-Jun 1024": the year 1024 is outside 1900 to 2099`},
		{"far too long", "2024-25 " + strings.Repeat("é", 100), `unrecognised period: "2024-25 éééééééééééé"...; write it as 2024-25-Q1 (a quarter), 2024-25 (a financial year) or 2024-06 (a month)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParsePeriod(tt.in)
			if err == nil {
				t.Fatalf("ParsePeriod(%q) = %+v, want error %q", tt.in, got, tt.want)
			}
			if !errors.Is(err, ErrPeriod) {
				t.Errorf("ParsePeriod(%q) error %v does not wrap ErrPeriod", tt.in, err)
			}
			if err.Error() != tt.want {
				t.Errorf("ParsePeriod(%q) error\n got %q\nwant %q", tt.in, err.Error(), tt.want)
			}
		})
	}
}

func TestPeriodPrevious(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		in    string
		id    string
		start time.Time
		end   time.Time
	}{
		{"first quarter goes back a financial year", "2024-25-Q1", "2023-24-Q4", day(2024, time.January, 1), day(2024, time.March, 31)},
		{"fourth quarter stays in its financial year", "2024-25-Q4", "2024-25-Q3", day(2024, time.October, 1), day(2024, time.December, 31)},
		{"second quarter", "2024-25-Q2", "2024-25-Q1", day(2024, time.April, 1), day(2024, time.June, 30)},
		{"financial year", "2024-25", "2023-24", day(2023, time.April, 1), day(2024, time.March, 31)},
		{"financial year across a century", "2000-01", "1999-00", day(1999, time.April, 1), day(2000, time.March, 31)},
		{"January goes back a calendar year", "2024-01", "2023-12", day(2023, time.December, 1), day(2023, time.December, 31)},
		{"March to leap February", "2024-03", "2024-02", day(2024, time.February, 1), day(2024, time.February, 29)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := mustPeriod(t, tt.in)
			got := p.Previous()
			if got.ID != tt.id || got.Kind != p.Kind || !got.Start.Equal(tt.start) || !got.End.Equal(tt.end) {
				t.Errorf("%s.Previous() = %s %s %s..%s, want %s %s %s..%s", tt.in,
					got.ID, got.Kind, got.Start.Format(time.DateOnly), got.End.Format(time.DateOnly),
					tt.id, p.Kind, tt.start.Format(time.DateOnly), tt.end.Format(time.DateOnly))
			}
		})
	}
}

func TestPeriodYearEarlier(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		in    string
		id    string
		start time.Time
		end   time.Time
	}{
		{"first quarter", "2024-25-Q1", "2023-24-Q1", day(2023, time.April, 1), day(2023, time.June, 30)},
		{"fourth quarter", "2024-25-Q4", "2023-24-Q4", day(2024, time.January, 1), day(2024, time.March, 31)},
		{"financial year", "2024-25", "2023-24", day(2023, time.April, 1), day(2024, time.March, 31)},
		{"January", "2024-01", "2023-01", day(2023, time.January, 1), day(2023, time.January, 31)},
		{"leap February to plain February", "2024-02", "2023-02", day(2023, time.February, 1), day(2023, time.February, 28)},
		{"fourth quarter across a century", "2000-01-Q4", "1999-00-Q4", day(2000, time.January, 1), day(2000, time.March, 31)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := mustPeriod(t, tt.in)
			got := p.YearEarlier()
			if got.ID != tt.id || got.Kind != p.Kind || !got.Start.Equal(tt.start) || !got.End.Equal(tt.end) {
				t.Errorf("%s.YearEarlier() = %s %s %s..%s, want %s %s %s..%s", tt.in,
					got.ID, got.Kind, got.Start.Format(time.DateOnly), got.End.Format(time.DateOnly),
					tt.id, p.Kind, tt.start.Format(time.DateOnly), tt.end.Format(time.DateOnly))
			}
		})
	}
}

func TestFinancialYearOfAndQuarterOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		t       time.Time
		year    string
		quarter string
	}{
		{"last day of a financial year", time.Date(2025, time.March, 31, 23, 59, 59, 0, time.UTC), "2024-25", "2024-25-Q4"},
		{"first day of a financial year", day(2025, time.April, 1), "2025-26", "2025-26-Q1"},
		{"new year's day", day(2025, time.January, 1), "2024-25", "2024-25-Q4"},
		{"end of the second quarter", day(2024, time.September, 30), "2024-25", "2024-25-Q2"},
		{"start of the third quarter", day(2024, time.October, 1), "2024-25", "2024-25-Q3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := FinancialYearOf(tt.t).ID; got != tt.year {
				t.Errorf("FinancialYearOf(%s) = %s, want %s", tt.t, got, tt.year)
			}
			if got := QuarterOf(tt.t).ID; got != tt.quarter {
				t.Errorf("QuarterOf(%s) = %s, want %s", tt.t, got, tt.quarter)
			}
		})
	}
}

// TestPeriodIDsRoundTrip reads back the id of every month, quarter and
// financial year from 1900 to 2099. The only ids that do not read back as
// the same period are the months that share an id with a financial year,
// such as December 2011 and 2011-12.
func TestPeriodIDsRoundTrip(t *testing.T) {
	t.Parallel()
	var collisions []string
	for y := 1900; y <= 2099; y++ {
		for m := time.January; m <= time.December; m++ {
			first := day(y, m, 1)
			periods := []Period{monthPeriod(first)}
			if fy := FinancialYearOf(first); fy.Start.Year() >= 1900 { // the range bounds a financial year's first year
				periods = append(periods, QuarterOf(first), fy)
			}
			for _, p := range periods {
				got, err := ParsePeriod(p.ID)
				if err != nil {
					t.Errorf("ParsePeriod(%q) error: %v", p.ID, err)
					continue
				}
				if got == p {
					continue
				}
				if p.Kind == Month && got.Kind == Year && got.ID == p.ID {
					collisions = append(collisions, p.ID)
					continue
				}
				t.Errorf("ParsePeriod(%q) = %+v, want %+v", p.ID, got, p)
			}
		}
	}
	var want []string
	for _, century := range []int{1900, 2000} {
		for y := century; y < century+12; y++ {
			want = append(want, fmt.Sprintf("%d-%02d", y, y%100+1))
		}
	}
	if !slices.Equal(collisions, want) {
		t.Errorf("months whose id reads as a financial year = %v, want %v", collisions, want)
	}
}

func mustPeriod(t *testing.T, s string) Period {
	t.Helper()
	p, err := ParsePeriod(s)
	if err != nil {
		t.Fatalf("ParsePeriod(%q): %v", s, err)
	}
	return p
}

func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{
		"2024-25-Q1", "2024-25", "2024-06", "Q1 2024/25", "2024/25 Q1", "Apr-Jun 2024",
		"Jan-Mar 2025", "2024/2025", "June 2024", "Nov 2023", "2014/15", "2024\u201325",
		"2024", "2024 Q1", "2024/26", "Feb-Apr 2024", "garbage", "", "2011-12", "Dec 2011",
		"Quarter 1 2024/25", "fy 1999/00",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePeriod(s)
		if err != nil {
			if !errors.Is(err, ErrPeriod) {
				t.Fatalf("ParsePeriod(%q) error %v does not wrap ErrPeriod", s, err)
			}
			return
		}
		if p.End.Before(p.Start) {
			t.Fatalf("ParsePeriod(%q) = %+v ends before it starts", s, p)
		}
		again, err := ParsePeriod(p.ID)
		if p.Kind == Month && again.Kind == Year && again.ID == p.ID {
			return // a month whose id is also a financial year's; see Period
		}
		if err != nil {
			t.Fatalf("ParsePeriod(%q) = %s, which does not parse: %v", s, p.ID, err)
		}
		if again != p {
			t.Fatalf("ParsePeriod(%q) = %+v, but its id reads as %+v", s, p, again)
		}
	})
}
