package schemas

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrNumber is returned, wrapped, for a figure that cannot be read.
var ErrNumber = errors.New("not a number")

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
func ParseNumber(s string) (Number, error) {
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
			return Number{}, fmt.Errorf("%w: %q: %v", ErrNumber, s, err)
		}
	}
	if t == "" || !isDecimal(t) {
		return Number{}, fmt.Errorf("%w: %q", ErrNumber, s)
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil {
		return Number{}, fmt.Errorf("%w: %q", ErrNumber, s)
	}
	if neg {
		v = -v
	}
	n.Value = v
	if i := strings.IndexByte(t, '.'); i >= 0 {
		n.Decimals = len(t) - i - 1
	}
	return n, nil
}

// ParseWhole reads a count such as "1,234" or "12". A count written with
// decimals ("12.0") is accepted only when the decimals are zero.
func ParseWhole(s string) (int64, error) {
	n, err := ParseNumber(s)
	if err != nil {
		return 0, err
	}
	if n.Percent || n.Value != float64(int64(n.Value)) {
		return 0, fmt.Errorf("%w: %q is not a whole number", ErrNumber, s)
	}
	return int64(n.Value), nil
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
