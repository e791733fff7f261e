package site

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/yardstick-open/yardstick/publish/duckdb"
	"github.com/yardstick-open/yardstick/schemas"
)

// siteColumn is a column of duckdb.SiteRow as the JSON twins and the
// tables' CSV files write it: its JSON name and how to read it from a row,
// as text, a nullable number or a nullable count (one of the three is
// set). The twins and CSV files of a large release hold hundreds of
// thousands of rows each; reading the fields by reflection, a cell at a
// time, was most of what writing them cost. TestSiteColumns checks the
// list against duckdb.SiteRow's fields.
type siteColumn struct {
	name  string
	text  func(*duckdb.SiteRow) string
	num   func(*duckdb.SiteRow) *float64
	count func(*duckdb.SiteRow) *int64
}

// siteColumns are duckdb.SiteRow's fields in their order, from which the
// tables' CSV files (comparisonColumns) and the twins' tables
// (metricTwinColumns and the others, twin.go) take theirs.
var siteColumns = []siteColumn{
	{name: "metric", text: func(r *duckdb.SiteRow) string { return r.Metric }},
	{name: "period", text: func(r *duckdb.SiteRow) string { return r.Period }},
	{name: "council_code", text: func(r *duckdb.SiteRow) string { return r.CouncilCode }},
	{name: "provider_id", text: func(r *duckdb.SiteRow) string { return r.ProviderID }},
	{name: "provider_name", text: func(r *duckdb.SiteRow) string { return r.ProviderName }},
	{name: "service", text: func(r *duckdb.SiteRow) string { return r.Service }},
	{name: "value", num: func(r *duckdb.SiteRow) *float64 { return r.Value }},
	{name: "numerator", count: func(r *duckdb.SiteRow) *int64 { return r.Numerator }},
	{name: "denominator", count: func(r *duckdb.SiteRow) *int64 { return r.Denominator }},
	{name: "status", text: func(r *duckdb.SiteRow) string { return r.Status }},
	{name: "ci95_lower", num: func(r *duckdb.SiteRow) *float64 { return r.CI95Lower }},
	{name: "ci95_upper", num: func(r *duckdb.SiteRow) *float64 { return r.CI95Upper }},
	{name: "ci998_lower", num: func(r *duckdb.SiteRow) *float64 { return r.CI998Lower }},
	{name: "ci998_upper", num: func(r *duckdb.SiteRow) *float64 { return r.CI998Upper }},
	{name: "national_value", num: func(r *duckdb.SiteRow) *float64 { return r.NationalValue }},
	{name: "national_median", num: func(r *duckdb.SiteRow) *float64 { return r.NationalMedian }},
	{name: "national_q1", num: func(r *duckdb.SiteRow) *float64 { return r.NationalQ1 }},
	{name: "national_q3", num: func(r *duckdb.SiteRow) *float64 { return r.NationalQ3 }},
	{name: "national_n", count: func(r *duckdb.SiteRow) *int64 { return r.NationalN }},
	{name: "percentile_rank", num: func(r *duckdb.SiteRow) *float64 { return r.PercentileRank }},
	{name: "quintile", count: func(r *duckdb.SiteRow) *int64 { return r.Quintile }},
	{name: "z_score", num: func(r *duckdb.SiteRow) *float64 { return r.ZScore }},
	{name: "robust_z", num: func(r *duckdb.SiteRow) *float64 { return r.RobustZ }},
	{name: "band_national", text: func(r *duckdb.SiteRow) string { return r.BandNational }},
	{name: "band_national_95", text: func(r *duckdb.SiteRow) string { return r.BandNational95 }},
	{name: "band_national_adjusted", text: func(r *duckdb.SiteRow) string { return r.BandNationalAdjusted }},
	{name: "region_value", num: func(r *duckdb.SiteRow) *float64 { return r.RegionValue }},
	{name: "band_region", text: func(r *duckdb.SiteRow) string { return r.BandRegion }},
	{name: "council_type_value", num: func(r *duckdb.SiteRow) *float64 { return r.CouncilTypeValue }},
	{name: "band_council_type", text: func(r *duckdb.SiteRow) string { return r.BandCouncilType }},
	{name: "similar_value", num: func(r *duckdb.SiteRow) *float64 { return r.SimilarValue }},
	{name: "similar_rank", count: func(r *duckdb.SiteRow) *int64 { return r.SimilarRank }},
	{name: "similar_n", count: func(r *duckdb.SiteRow) *int64 { return r.SimilarN }},
	{name: "band_similar", text: func(r *duckdb.SiteRow) string { return r.BandSimilar }},
	{name: "change_prev", num: func(r *duckdb.SiteRow) *float64 { return r.ChangePrev }},
	{name: "change_prev_band", text: func(r *duckdb.SiteRow) string { return r.ChangePrevBand }},
	{name: "change_year", num: func(r *duckdb.SiteRow) *float64 { return r.ChangeYear }},
	{name: "change_year_band", text: func(r *duckdb.SiteRow) string { return r.ChangeYearBand }},
	{name: "trend", text: func(r *duckdb.SiteRow) string { return r.Trend }},
	{name: "trend_direction", text: func(r *duckdb.SiteRow) string { return r.TrendDirection }},
	{name: "council_name", text: func(r *duckdb.SiteRow) string { return r.CouncilName }},
	{name: "region", text: func(r *duckdb.SiteRow) string { return r.Region }},
	{name: "council_type_name", text: func(r *duckdb.SiteRow) string { return r.TypeName }},
	{name: "sector", text: func(r *duckdb.SiteRow) string { return r.Sector }},
	{name: "note", text: func(r *duckdb.SiteRow) string { return r.Note }},
}

// appendJSON appends the column's value in r as JSON: null for a blank
// number, "" for blank text.
func (c *siteColumn) appendJSON(b []byte, r *duckdb.SiteRow) ([]byte, error) {
	switch {
	case c.text != nil:
		return appendJSONString(b, c.text(r)), nil
	case c.num != nil:
		if v := c.num(r); v != nil {
			return appendJSONFloat(b, *v)
		}
	case c.count != nil:
		if v := c.count(r); v != nil {
			return strconv.AppendInt(b, *v, 10), nil
		}
	}
	return append(b, "null"...), nil
}

// appendCSV appends the column's value in r as the release's CSV files
// write it: blank for none, numbers as the shortest text that reads back
// the same, markers bracketed, text safe for spreadsheets, quoted as
// encoding/csv quotes it.
func (c *siteColumn) appendCSV(b []byte, r *duckdb.SiteRow) []byte {
	switch {
	case c.text != nil:
		return appendCSVField(b, csvText(c.name, c.text(r)))
	case c.num != nil:
		if v := c.num(r); v != nil {
			return strconv.AppendFloat(b, *v, 'f', -1, 64)
		}
	case c.count != nil:
		if v := c.count(r); v != nil {
			return strconv.AppendInt(b, *v, 10)
		}
	}
	return b
}

// appendCSVField appends s as one field of a comma-separated line, quoted
// exactly when encoding/csv's Writer would quote it (a comma, quote or
// line break in it, a leading space, or the field \.), with LF line ends.
func appendCSVField(b []byte, s string) []byte {
	if !csvNeedsQuotes(s) {
		return append(b, s...)
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}

func csvNeedsQuotes(s string) bool {
	if s == "" {
		return false
	}
	if s == `\.` || strings.ContainsAny(s, ",\"\r\n") {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}

// comparisonColumns are the registry's comparisons columns, the columns
// of a table's CSV file, as siteColumns; a column without one is an
// error, since the row type and the registry then disagree.
var comparisonColumns = sync.OnceValues(func() ([]*siteColumn, error) {
	t, ok := schemas.PublicTable("comparisons")
	if !ok {
		return nil, fmt.Errorf("no public table comparisons")
	}
	byName := map[string]*siteColumn{}
	for i := range siteColumns {
		byName[siteColumns[i].name] = &siteColumns[i]
	}
	out := make([]*siteColumn, len(t.Columns))
	for i, col := range t.Columns {
		c, ok := byName[col.Name]
		if !ok {
			return nil, fmt.Errorf("comparisons column %s has no field in duckdb.SiteRow", col.Name)
		}
		out[i] = c
	}
	return out, nil
})

// comparisonsCSV writes rows as CSV with the comparisons table's columns,
// as the release's CSV files write a table (duckdb.DB.ExportCSV: a status
// bracketed, text made safe for spreadsheets), into buf.
func comparisonsCSV(buf []byte, rows []RowView) ([]byte, error) {
	cols, err := comparisonColumns()
	if err != nil {
		return nil, err
	}
	b := buf[:0]
	for j, c := range cols {
		if j > 0 {
			b = append(b, ',')
		}
		b = appendCSVField(b, c.name) // the header: the registry's column names
	}
	b = append(b, '\n')
	for i := range rows {
		if b, err = appendComparisonCSV(b, &rows[i].SiteRow); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// appendComparisonCSV appends r as a line of comparisonsCSV.
func appendComparisonCSV(b []byte, r *duckdb.SiteRow) ([]byte, error) {
	cols, err := comparisonColumns()
	if err != nil {
		return nil, err
	}
	for j, c := range cols {
		if j > 0 {
			b = append(b, ',')
		}
		b = c.appendCSV(b, r)
	}
	return append(b, '\n'), nil
}
