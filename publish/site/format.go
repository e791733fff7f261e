package site

import (
	"math"
	"strconv"
	"strings"

	"github.com/yardstick-open/yardstick/schemas"
)

// Numbers are formatted for people on the pages only: thousands
// separators and as many decimals as the unit needs. The JSON twins and
// CSV files keep the figures as the release holds them.

// formatValue writes a figure in its metric's unit: 85.3%, £21.45,
// 12.4 (a rate), 1,234 (a count); "" for none.
func formatValue(v *float64, unit schemas.Unit) string {
	if v == nil {
		return ""
	}
	x := *v
	switch unit {
	case schemas.UnitPercent:
		return formatFloat(x, 1) + "%"
	case schemas.UnitGBP:
		if x < 0 {
			return "−£" + formatFloat(-x, 2)
		}
		return "£" + formatFloat(x, 2)
	}
	return formatFloat(x, decimalsFor(x))
}

// decimalsFor gives a figure without a unit of its own three significant
// figures or more, and at most two decimals.
func decimalsFor(x float64) int {
	switch a := math.Abs(x); {
	case a >= 100:
		return 0
	case a >= 10:
		return 1
	}
	return 2
}

// formatFloat writes x with d decimals and thousands separators, and a
// true minus sign.
func formatFloat(x float64, d int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	s := strconv.FormatFloat(x, 'f', d, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	out := schemas.GroupDigits(whole)
	if frac != "" {
		out += "." + frac
	}
	if neg && strings.Trim(out, "0.,") != "" {
		out = "−" + out
	}
	return out
}

// formatCount writes a whole number with thousands separators; "" for none.
func formatCount(n *int64) string {
	if n == nil {
		return ""
	}
	return formatInt(*n)
}

func formatInt(n int64) string {
	if n < 0 {
		return "−" + schemas.GroupDigits(strconv.FormatInt(-n, 10))
	}
	return schemas.GroupDigits(strconv.FormatInt(n, 10))
}

// formatInterval writes an interval as "80.1% to 88.2%"; "" without both
// ends.
func formatInterval(lo, hi *float64, unit schemas.Unit) string {
	if lo == nil || hi == nil {
		return ""
	}
	return formatValue(lo, unit) + " to " + formatValue(hi, unit)
}

// formatRank writes a percentile rank as a whole number; "" for none.
func formatRank(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(math.Round(*v), 'f', 0, 64)
}

// sortKey is a number as the table script sorts it; "" for none.
func sortKey(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'g', -1, 64)
}

func sortKeyInt(n *int64) string {
	if n == nil {
		return ""
	}
	return strconv.FormatInt(*n, 10)
}

// bandWords says what a band means, in words: colour is never the only
// signal.
func bandWords(band string) string {
	switch band {
	case "better":
		return "Better"
	case "worse":
		return "Worse"
	case "similar":
		return "Similar"
	case "higher":
		return "Higher"
	case "lower":
		return "Lower"
	case "not_compared", "":
		return "Not compared"
	}
	return band
}

// markers returns a status's letters as bracketed GSS markers, "[c]" or
// "[r] [p]".
func markers(status string) string {
	var parts []string
	for _, r := range status {
		parts = append(parts, schemas.Status(string(r)).Bracketed())
	}
	return strings.Join(parts, " ")
}

// markerTitle says what a status's markers mean, for the abbr title.
func markerTitle(status string) string {
	var parts []string
	for _, r := range status {
		if l := schemas.Status(string(r)).Label(); l != "" {
			parts = append(parts, l)
		}
	}
	return strings.Join(parts, ", ")
}

// periodLabel writes a period id for people: "2024-25 Q1" for a quarter,
// "2024-25" for a year, "June 2024" for a month.
func periodLabel(id string) string {
	p, err := schemas.ParsePeriod(id)
	if err != nil {
		return id
	}
	switch p.Kind {
	case schemas.Quarter:
		return strings.Replace(id, "-Q", " Q", 1) + " (" + p.Start.Format("Jan") + "–" + p.End.Format("Jan 2006") + ")"
	case schemas.Month:
		return p.Start.Format("January 2006")
	}
	return id
}

// plural writes n and the noun, in its plural when n is not 1.
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return formatInt(int64(n)) + " " + many
}

// formatFigure writes a figure of release.json for people: its value in
// its unit and its markers, or its markers alone for a figure withheld
// or not available.
func formatFigure(f schemas.Figure, unit schemas.Unit) string {
	out := ""
	if f.Value != nil {
		out = formatValue(f.Value, unit)
	}
	if m := markers(f.Status); m != "" {
		if out != "" {
			out += " "
		}
		out += m
	}
	return out
}
