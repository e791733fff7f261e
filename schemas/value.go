package schemas

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrNumber is returned, wrapped, for a figure that cannot be read.
var ErrNumber = errors.New("not a number")

// ErrOutOfRange is returned, wrapped together with ErrNumber, for a figure
// written in digits that is too large to hold at all (a count beyond
// int64, a value beyond float64).
var ErrOutOfRange = errors.New("out of range")

// The largest figures a return may give. They are far above any real
// figure, so a council never meets them; they exist so that no return, by
// mistake or by design, can make publish fail or publish nonsense.
//
// Publish adds numerators and denominators in 64-bit integers: over every
// council's current rows for one metric, period and service, for the
// national benchmark, and over peer groups and a provider's councils, which
// are subsets of those rows. Each council's current rows for a metric,
// period and service come from one return, so with MaxCountSum per return
// and fewer than 1,000 councils such a sum stays below 10^17: some ninety
// times under the 9.2 x 10^18 an int64 holds, however many rows a return
// has. A per-cell ceiling alone would not do: a 2 GiB return holds tens of
// millions of rows.
const (
	// MaxCount is the largest numerator or denominator: 10^12, a
	// thousand times the largest count a council has (visits in a year,
	// tonnes of waste, whole pounds of a contract are all below 10^9).
	MaxCount = 1_000_000_000_000
	// MaxCountSum is the most the numerators, or the denominators, of one
	// return may add up to for one metric, period and service: 10^14.
	MaxCountSum = 100_000_000_000_000
	// MaxValue is the largest magnitude of a value: 10^12, as for counts.
	// No percentage, rate, mean or price comes near it; a figure that does
	// has lost its decimal point or been pasted from elsewhere, and
	// averaging many such figures would lose the small ones entirely.
	MaxValue = 1e12
)

// Number is a figure read from a return: its value, how many decimal places
// it was written with (used to judge rounding), and whether it was written
// as a percentage.
type Number struct {
	Value    float64
	Decimals int
	Percent  bool
}

// ParseNumber reads a figure as councils write it: "85", "85.0", "85%",
// "1,234", "£1,234.50", "-2.5". Thousands separators must sit between groups
// of three digits, so "85,5" (a decimal comma) is an error rather than 855.
// Scientific notation ("1e5"), "NaN" and "Inf" are errors: no council writes
// a figure that way, and a spreadsheet that does has mangled the cell.
func ParseNumber(s string) (Number, error) {
	n, _, err := parseNumber(s)
	return n, err
}

// parseNumber reads a figure and also returns its digits with sign, currency
// and separators removed, so ParseWhole can read a count exactly.
func parseNumber(s string) (Number, string, error) {
	t := strings.TrimSpace(s)
	var n Number
	if strings.HasSuffix(t, "%") {
		n.Percent = true
		t = strings.TrimSpace(t[:len(t)-1])
	}
	neg := false
	if strings.HasPrefix(t, "-") {
		neg = true
		t = t[1:]
	}
	t = strings.TrimPrefix(t, "£")
	if !neg && strings.HasPrefix(t, "-") { // "£-3" as well as "-£3"
		neg = true
		t = t[1:]
	}
	if strings.ContainsRune(t, ',') {
		var err error
		if t, err = stripThousands(t); err != nil {
			return Number{}, "", fmt.Errorf("%w: %q: %v", ErrNumber, s, err)
		}
	}
	if t == "" || !isDecimal(t) {
		return Number{}, "", fmt.Errorf("%w: %q", ErrNumber, s)
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil {
		return Number{}, "", fmt.Errorf("%w: %q is %w", ErrNumber, s, ErrOutOfRange)
	}
	if neg {
		v = -v
		t = "-" + t
	}
	n.Value = v
	if i := strings.IndexByte(t, '.'); i >= 0 {
		n.Decimals = len(t) - i - 1
	}
	return n, t, nil
}

// ParseWhole reads a count such as "1,234" or "12". A count written with
// decimals ("12.0") is accepted only when the decimals are zero. The digits
// are read as an integer, not through a float, so a count too large to hold
// exactly is an error rather than a silently rounded number.
func ParseWhole(s string) (int64, error) {
	n, t, err := parseNumber(s)
	if err != nil {
		return 0, err
	}
	whole, frac, _ := strings.Cut(t, ".")
	if n.Percent || strings.Trim(frac, "0") != "" {
		return 0, fmt.Errorf("%w: %q is not a whole number", ErrNumber, s)
	}
	if whole == "" || whole == "-" { // ".0"
		return 0, nil
	}
	v, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: %q is %w", ErrNumber, s, ErrOutOfRange)
	}
	return v, nil
}

func isDecimal(t string) bool {
	dot := false
	digits := 0
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return digits > 0
}

// stripThousands removes thousands separators, checking that each sits
// before a group of exactly three digits.
func stripThousands(t string) (string, error) {
	intPart, frac, hasFrac := strings.Cut(t, ".")
	groups := strings.Split(intPart, ",")
	if len(groups[0]) == 0 || len(groups[0]) > 3 {
		return "", errors.New("misplaced thousands separator")
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return "", errors.New("a comma must separate thousands (write decimals with a point)")
		}
	}
	out := strings.Join(groups, "")
	if hasFrac {
		out += "." + frac
	}
	return out, nil
}
