package site

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"
)

// A table's rows in a JSON twin are
//
//	{"columns": ["metric", "period", ...], "data": [["on-time", "2024-25-Q1", ...], ...]}
//
// the columns named once and each row an array of values in their order
// (Datasette's "arrays" shape), not an object repeating the names. A
// twin carries what its page shows, not every column of the comparisons
// table: the keys that join a row to data/comparisons.parquet (metric,
// period, council_code, provider_id, service), then the columns of the
// page's table, with numbers as machine-readable figures (the value, its
// intervals' bounds, counts) and the band, status and note as text. The
// twins were most of the site's bytes when they held all forty-five
// columns of every row; data/comparisons.parquet and the API have the rest.
// A blank number is null and blank text "", as everywhere in the
// release's JSON.

// joinColumns are the columns that join a twin's row to
// data/comparisons.parquet; every twin's table starts with them.
var joinColumns = []string{"metric", "period", "council_code", "provider_id", "service"}

// metricTwinColumns are the columns of a metric page's league table
// (MetricPage.RowsHTML): provider, council, region, value and its
// status, the 95% and 99.8% intervals, the band against England, the
// percentile rank, numerator, denominator and the council's note.
var metricTwinColumns = twinColumns("provider_name", "council_name", "region", "value", "status",
	"ci95_lower", "ci95_upper", "ci998_lower", "ci998_upper", "band_national", "percentile_rank",
	"numerator", "denominator", "note")

// providerTwinColumns are the columns of a provider's table of its
// figure in each council (ProviderSection.RowsHTML).
var providerTwinColumns = twinColumns("council_name", "value", "status", "ci95_lower", "ci95_upper",
	"band_national", "band_region", "band_similar", "numerator", "denominator")

// councilTwinColumns are the columns of a council's table of a service
// (CouncilService.RowsHTML).
var councilTwinColumns = twinColumns("provider_name", "value", "status", "ci95_lower", "ci95_upper",
	"band_national", "band_similar", "denominator")

// twinColumns are joinColumns and then the named columns of siteColumns.
// A name that is not one is a mistake in this file, which every test of
// the package finds at once.
func twinColumns(names ...string) []*siteColumn {
	byName := map[string]*siteColumn{}
	for i := range siteColumns {
		byName[siteColumns[i].name] = &siteColumns[i]
	}
	var out []*siteColumn
	for _, n := range append(slices.Clone(joinColumns), names...) {
		c, ok := byName[n]
		if !ok {
			panic("site: no column " + n + " in siteColumns")
		}
		out = append(out, c)
	}
	return out
}

// MetricRows are the rows of a metric page's league table, in its twin
// as metricTwinColumns.
type MetricRows []RowView

// MarshalJSON writes the rows as columns and arrays of values.
func (rs MetricRows) MarshalJSON() ([]byte, error) { return marshalRows(rs, metricTwinColumns) }

// UnmarshalJSON reads rows written by MarshalJSON (readRows).
func (rs *MetricRows) UnmarshalJSON(b []byte) error { return readRows(b, (*[]RowView)(rs)) }

// ProviderRows are the rows of a provider's table of one metric, in its
// twin as providerTwinColumns.
type ProviderRows []RowView

// MarshalJSON writes the rows as columns and arrays of values.
func (rs ProviderRows) MarshalJSON() ([]byte, error) { return marshalRows(rs, providerTwinColumns) }

// UnmarshalJSON reads rows written by MarshalJSON (readRows).
func (rs *ProviderRows) UnmarshalJSON(b []byte) error { return readRows(b, (*[]RowView)(rs)) }

// CouncilRows are the rows of a council's table of one service, in its
// twin as councilTwinColumns.
type CouncilRows []RowView

// MarshalJSON writes the rows as columns and arrays of values.
func (rs CouncilRows) MarshalJSON() ([]byte, error) { return marshalRows(rs, councilTwinColumns) }

// UnmarshalJSON reads rows written by MarshalJSON (readRows).
func (rs *CouncilRows) UnmarshalJSON(b []byte) error { return readRows(b, (*[]RowView)(rs)) }

// marshalRows writes rs as cols and arrays of values.
func marshalRows(rs []RowView, cols []*siteColumn) ([]byte, error) {
	b := make([]byte, 0, 64+len(rs)*24*len(cols))
	b = append(b, `{"columns":[`...)
	for i, c := range cols {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, c.name)
	}
	b = append(b, `],"data":[`...)
	for i := range rs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		for j, c := range cols {
			if j > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = c.appendJSON(b, &rs[i].SiteRow); err != nil {
				return nil, fmt.Errorf("row %d, %s: %w", i+1, c.name, err)
			}
		}
		b = append(b, ']')
	}
	b = append(b, "]}"...)
	return b, nil
}

// readRows reads rows written by marshalRows into *rs, by the columns'
// names (duckdb.SiteRow's JSON names). Columns it does not know are
// skipped, and fields without a column are left blank, so a program
// reading the twin of an older or newer release still can.
func readRows(b []byte, rs *[]RowView) error {
	var t struct {
		Columns []string            `json:"columns"`
		Data    [][]json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(b, &t); err != nil {
		return err
	}
	*rs = make([]RowView, len(t.Data))
	var obj bytes.Buffer
	for i, row := range t.Data {
		if len(row) != len(t.Columns) {
			return fmt.Errorf("row %d has %d values for %d columns", i+1, len(row), len(t.Columns))
		}
		obj.Reset()
		obj.WriteByte('{')
		for j, raw := range row {
			if j > 0 {
				obj.WriteByte(',')
			}
			obj.Write(appendJSONString(nil, t.Columns[j]))
			obj.WriteByte(':')
			obj.Write(raw)
		}
		obj.WriteByte('}')
		if err := json.Unmarshal(obj.Bytes(), &(*rs)[i].SiteRow); err != nil {
			return fmt.Errorf("row %d: %w", i+1, err)
		}
	}
	return nil
}

// appendJSONFloat appends f as encoding/json does: the shortest decimal
// that reads back the same, in exponent form only for the very small and
// very large.
func appendJSONFloat(b []byte, f float64) ([]byte, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("unsupported value %v", f)
	}
	abs := math.Abs(f)
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		n := len(b)
		b = strconv.AppendFloat(b, f, 'e', -1, 64)
		// As encoding/json does: e-07 becomes e-7.
		if m := len(b); m-n >= 4 && b[m-4] == 'e' && b[m-3] == '-' && b[m-2] == '0' {
			b[m-2] = b[m-1]
			b = b[:m-1]
		}
		return b, nil
	}
	return strconv.AppendFloat(b, f, 'f', -1, 64), nil
}

// appendJSONString appends s quoted as JSON. Plain text, which is nearly
// all of it, is copied; anything needing an escape goes through
// encoding/json, without its HTML escaping, as the twins are written.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			enc.Encode(s) // a string always encodes
			return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
