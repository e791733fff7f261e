package site

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/yardstick-open/yardstick/publish/duckdb"
)

// Rows are the rows of a table on a page. A JSON twin holds them as
//
//	{"columns": ["metric", "period", ...], "data": [["on-time", "2024-25-Q1", ...], ...]}
//
// the columns named once and each row an array of values in their order
// (Datasette's "arrays" shape), not an object repeating the thirty-odd
// names: the twins of a release's tables were half the size of its whole
// website, and three fifths of a row object was its names. The columns are
// the JSON names of duckdb.SiteRow's fields, in order; a blank number is
// null and blank text "", as everywhere in the release's JSON.
type Rows []RowView

// twinColumn is a column of Rows' JSON: a field of duckdb.SiteRow.
type twinColumn struct {
	name  string
	index []int
}

// twinColumns are the columns of Rows' JSON, worked out once from
// duckdb.SiteRow's fields and their JSON tags.
var twinColumns = sync.OnceValue(func() []twinColumn {
	var cols []twinColumn
	var walk func(t reflect.Type, index []int)
	walk = func(t reflect.Type, index []int) {
		for i := range t.NumField() {
			f := t.Field(i)
			idx := append(append([]int(nil), index...), i)
			if f.Anonymous && f.Type.Kind() == reflect.Struct {
				walk(f.Type, idx)
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "-" {
				continue
			}
			cols = append(cols, twinColumn{name: cmp.Or(name, f.Name), index: idx})
		}
	}
	walk(reflect.TypeFor[duckdb.SiteRow](), nil)
	return cols
})

// MarshalJSON writes the rows as columns and arrays of values.
func (rs Rows) MarshalJSON() ([]byte, error) {
	cols := twinColumns()
	b := make([]byte, 0, 64+len(rs)*320)
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
		v := reflect.ValueOf(&rs[i].SiteRow).Elem()
		for j, c := range cols {
			if j > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendJSONValue(b, v.FieldByIndex(c.index)); err != nil {
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

// appendJSONValue appends v as encoding/json writes it, for the kinds a
// row's fields have; any other kind goes through encoding/json.
func appendJSONValue(b []byte, v reflect.Value) ([]byte, error) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return append(b, "null"...), nil
		}
		return appendJSONValue(b, v.Elem())
	case reflect.String:
		return appendJSONString(b, v.String()), nil
	case reflect.Float64:
		return appendJSONFloat(b, v.Float())
	case reflect.Int, reflect.Int64, reflect.Int32:
		return strconv.AppendInt(b, v.Int(), 10), nil
	case reflect.Bool:
		return strconv.AppendBool(b, v.Bool()), nil
	}
	j, err := json.Marshal(v.Interface())
	if err != nil {
		return nil, err
	}
	return append(b, j...), nil
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
