package schemas

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// PeriodKind says how long a reporting period is.
type PeriodKind string

// The kinds of reporting period.
const (
	Quarter PeriodKind = "quarter"
	Year    PeriodKind = "year"
	Month   PeriodKind = "month"
)

// ErrPeriod is returned, wrapped, for a period that cannot be read.
var ErrPeriod = errors.New("unrecognised period")

// Period is a reporting period: a UK financial-year quarter, a financial year
// or a calendar month. Start and End are the first and last days, in UTC.
//
// The canonical ids of a financial year and a month share one shape, so
// twelve of them coincide in each century: "2011-12" is both the financial
// year 2011-12 and December 2011. ParsePeriod reads such an id as the
// financial year, the way UK statistics write it; the months January 2000
// to December 2011 therefore have ids that read back as financial years.
type Period struct {
	ID    string
	Kind  PeriodKind
	Start time.Time
	End   time.Time
}

// String returns the canonical id.
func (p Period) String() string { return p.ID }

// Previous returns the period of the same kind immediately before p.
func (p Period) Previous() Period {
	switch p.Kind {
	case Quarter:
		return quarterPeriod(p.Start.AddDate(0, -3, 0))
	case Year:
		return yearPeriod(p.Start.Year() - 1)
	default:
		return monthPeriod(p.Start.AddDate(0, -1, 0))
	}
}

// YearEarlier returns the period of the same kind a year before p.
func (p Period) YearEarlier() Period {
	switch p.Kind {
	case Quarter:
		return quarterPeriod(p.Start.AddDate(-1, 0, 0))
	case Year:
		return yearPeriod(p.Start.Year() - 1)
	default:
		return monthPeriod(p.Start.AddDate(-1, 0, 0))
	}
}

// FinancialYearOf returns the financial year (April to March) that holds t.
func FinancialYearOf(t time.Time) Period {
	y := t.Year()
	if t.Month() < time.April {
		y--
	}
	return yearPeriod(y)
}

// QuarterOf returns the financial-year quarter that holds t.
func QuarterOf(t time.Time) Period { return quarterPeriod(t) }

func yearPeriod(y int) Period {
	start := time.Date(y, time.April, 1, 0, 0, 0, 0, time.UTC)
	return Period{
		ID:    fmt.Sprintf("%04d-%02d", y, (y+1)%100),
		Kind:  Year,
		Start: start,
		End:   start.AddDate(1, 0, -1),
	}
}

// quarterPeriod returns the financial-year quarter holding t.
func quarterPeriod(t time.Time) Period {
	m := int(t.Month())
	fy := t.Year()
	if m < 4 {
		fy--
	}
	q := ((m+8)%12)/3 + 1 // April..June -> 1, ..., January..March -> 4
	startMonth := time.Month((q-1)*3 + 4)
	startYear := fy
	if startMonth > 12 {
		startMonth -= 12
		startYear++
	}
	start := time.Date(startYear, startMonth, 1, 0, 0, 0, 0, time.UTC)
	return Period{
		ID:    fmt.Sprintf("%04d-%02d-Q%d", fy, (fy+1)%100, q),
		Kind:  Quarter,
		Start: start,
		End:   start.AddDate(0, 3, -1),
	}
}

func monthPeriod(t time.Time) Period {
	start := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	return Period{
		ID:    fmt.Sprintf("%04d-%02d", t.Year(), int(t.Month())),
		Kind:  Month,
		Start: start,
		End:   start.AddDate(0, 1, -1),
	}
}

var (
	// A financial year: 2024-25, 2024/25, 2024/2025, 2024-2025, fy2024/25.
	fyPattern = `(?:fy\s*)?(\d{4})\s*[-/]\s*(\d{2}|\d{4})`
	reFY      = regexp.MustCompile(`^` + fyPattern + `$`)
	reFYQ     = regexp.MustCompile(`^` + fyPattern + `\s*-?\s*q([1-4])$`)
	reQFY     = regexp.MustCompile(`^q([1-4])\s*-?\s*` + fyPattern + `$`)
	reMonthID = regexp.MustCompile(`^(\d{4})-(\d{2})$`)
	reMonthNm = regexp.MustCompile(`^([a-z]+)\.?\s*-?\s*(\d{4})$`)
	reRange   = regexp.MustCompile(`^([a-z]+)\.?\s*(?:-|to)\s*([a-z]+)\.?\s*(\d{4})$`)
	reCalQ    = regexp.MustCompile(`^(?:(\d{4})\s*-?\s*q([1-4])|q([1-4])\s*-?\s*(\d{4}))$`)
	reYear    = regexp.MustCompile(`^\d{4}$`)
	// "Quarter 1 2024/25" is "q1 2024/25" spelt out.
	reQuarterWord = regexp.MustCompile(`\bquarter\s*`)
)

// periodPunct folds the dashes and spaces that spreadsheets and word
// processors substitute for a plain hyphen and space.
var periodPunct = strings.NewReplacer(
	"\u2010", "-", "\u2011", "-", "\u2012", "-", "\u2013", "-", "\u2014", "-", "\u2212", "-",
	"_", "-", "\u00a0", " ",
)

// maxPeriodLen bounds the text ParsePeriod will read: the longest spelling
// it accepts ("September to November 2024" and the like) is far shorter,
// and a cell of megabytes from an untrusted upload should fail at once
// rather than be run through every pattern.
const maxPeriodLen = 64

// Years outside this range are typing mistakes rather than periods anyone
// reports on; refusing them keeps "0224/25" from being read as the year 224.
const (
	minPeriodYear = 1900
	maxPeriodYear = 2099
)

var monthNames = map[string]time.Month{
	"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3,
	"apr": 4, "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7,
	"aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10,
	"october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}

// ParsePeriod reads a reporting period in its canonical form or any of the
// spellings councils use, and returns it in canonical form. An ambiguous or
// unreadable period is an error wrapping ErrPeriod whose text says how to
// write it.
//
// An id of the shape 2011-12, where the second number is the year after the
// first, is read as a financial year rather than a month (see Period).
func ParsePeriod(s string) (Period, error) {
	t := periodPunct.Replace(strings.ToLower(s))
	t = strings.Join(strings.Fields(t), " ")
	t = reQuarterWord.ReplaceAllString(t, "q")
	if t == "" {
		return Period{}, fmt.Errorf("%w: the period is blank; write it as 2024-25-Q1, 2024-25 or 2024-06", ErrPeriod)
	}
	if len(t) > maxPeriodLen {
		return Period{}, fmt.Errorf("%w: %q...; write it as 2024-25-Q1 (a quarter), 2024-25 (a financial year) or 2024-06 (a month)", ErrPeriod, truncate(s, maxPeriodLen/2))
	}
	if m := reFYQ.FindStringSubmatch(t); m != nil {
		return fyQuarter(s, m[1], m[2], m[3])
	}
	if m := reQFY.FindStringSubmatch(t); m != nil {
		return fyQuarter(s, m[2], m[3], m[1])
	}
	if m := reFY.FindStringSubmatch(t); m != nil {
		y, err := fyStart(s, m[1], m[2])
		if err == nil {
			return yearPeriod(y), nil
		}
		// Not a financial year, so perhaps a month id such as 2024-06.
		if m := reMonthID.FindStringSubmatch(t); m != nil {
			y, _ := strconv.Atoi(m[1])
			mo, _ := strconv.Atoi(m[2])
			if mo >= 1 && mo <= 12 {
				return month(s, y, time.Month(mo))
			}
		}
		return Period{}, err
	}
	if m := reMonthNm.FindStringSubmatch(t); m != nil {
		if mo, ok := monthNames[m[1]]; ok {
			y, _ := strconv.Atoi(m[2])
			return month(s, y, mo)
		}
	}
	if m := reRange.FindStringSubmatch(t); m != nil {
		from, ok1 := monthNames[m[1]]
		to, ok2 := monthNames[m[2]]
		if ok1 && ok2 {
			y, _ := strconv.Atoi(m[3])
			return quarterRange(s, from, to, y)
		}
	}
	if reCalQ.MatchString(t) {
		return Period{}, fmt.Errorf("%w: %q could be a calendar or a financial-year quarter; write the financial year, as 2024-25-Q1 (April to June 2024)", ErrPeriod, s)
	}
	if reYear.MatchString(t) {
		return Period{}, fmt.Errorf("%w: %q is a calendar year; periods are financial years, written 2024-25 (April 2024 to March 2025)", ErrPeriod, s)
	}
	return Period{}, fmt.Errorf("%w: %q; write it as 2024-25-Q1 (a quarter), 2024-25 (a financial year) or 2024-06 (a month)", ErrPeriod, s)
}

// truncate shortens s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	end := 0
	for i := range s {
		if i > n {
			break
		}
		end = i
	}
	return s[:end]
}

// checkYear refuses a year outside the range periods are reported in.
func checkYear(orig string, y int) error {
	if y < minPeriodYear || y > maxPeriodYear {
		return fmt.Errorf("%w: %q: the year %d is outside %d to %d", ErrPeriod, orig, y, minPeriodYear, maxPeriodYear)
	}
	return nil
}

func month(orig string, y int, mo time.Month) (Period, error) {
	if err := checkYear(orig, y); err != nil {
		return Period{}, err
	}
	return monthPeriod(time.Date(y, mo, 1, 0, 0, 0, 0, time.UTC)), nil
}

// fyStart reads the two halves of a financial year such as 2024/25 and
// checks that the second follows the first.
func fyStart(orig, a, b string) (int, error) {
	y, _ := strconv.Atoi(a)
	if err := checkYear(orig, y); err != nil {
		return 0, err
	}
	next, _ := strconv.Atoi(b)
	if len(b) == 2 {
		next += y / 100 * 100
		if next < y {
			next += 100
		}
	}
	if next != y+1 {
		return 0, fmt.Errorf("%w: %q is not a financial year: the second year must follow the first, as in %d-%02d", ErrPeriod, orig, y, (y+1)%100)
	}
	return y, nil
}

func fyQuarter(orig, a, b, q string) (Period, error) {
	y, err := fyStart(orig, a, b)
	if err != nil {
		return Period{}, err
	}
	n, _ := strconv.Atoi(q)
	return quarterPeriod(time.Date(y, time.Month(n*3+1), 1, 0, 0, 0, 0, time.UTC)), nil
}

// quarterRange reads spellings such as "Apr-Jun 2024" or "Jan to Mar 2025",
// where the year is the calendar year of the months named.
func quarterRange(orig string, from, to time.Month, y int) (Period, error) {
	if err := checkYear(orig, y); err != nil {
		return Period{}, err
	}
	p := quarterPeriod(time.Date(y, from, 1, 0, 0, 0, 0, time.UTC))
	if p.Start.Month() != from || p.End.Month() != to {
		return Period{}, fmt.Errorf("%w: %q is not a financial-year quarter (Apr-Jun, Jul-Sep, Oct-Dec or Jan-Mar)", ErrPeriod, orig)
	}
	return p, nil
}
