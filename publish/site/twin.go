package site

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"
)

// Rows are the rows of a table on a page. A JSON twin holds them as
//
//	{"columns": ["metric", "period", ...], "data": [["on-time", "2024-25-Q1", ...], ...]}
//
// the columns named once and each row an array of values in their order
// (Datasette's "arrays" shape), not an object repeating the thirty-odd
// names: the twins of a release's tables were half the size of its whole
// website, and three fifths of a row object was its names. The columns are
// the JSON names of duckdb.SiteRow's fields, in order (siteColumns); a
// blank number is null and blank text "", as everywhere in the release's
// JSON.
type Rows []RowView

// MarshalJSON writes the rows as columns and arrays of values.
func (rs Rows) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 64+len(rs)*480)
	b = append(b, `{"columns":[`...)
	for i := range siteColumns {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, siteColumns[i].name)
	}
	b = append(b, `],"data":[`...)
	for i := range rs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		for j := range siteColumns {
			c := &siteColumns[j]
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

// UnmarshalJSON reads rows written by MarshalJSON. Columns it does not
// know are skipped, and fields without a column are left blank, so a
// program reading the twin of an older or newer release still can.
func (rs *Rows) UnmarshalJSON(b []byte) error {
	var t struct {
		Columns []string            `json:"columns"`
		Data    [][]json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(b, &t); err != nil {
		return err
	}
	*rs = make(Rows, len(t.Data))
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
