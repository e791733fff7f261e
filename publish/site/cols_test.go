package site

import (
	"bytes"
	"encoding/csv"
	"reflect"
	"strings"
	"testing"

	"github.com/yardstick-open/yardstick/publish/duckdb"
)

// TestSiteColumns checks siteColumns against duckdb.SiteRow's fields, by
// reflection: one column per field, in the fields' order, named by its
// JSON tag, each reading its own field. A field added to the row without
// a column fails here.
func TestSiteColumns(t *testing.T) {
	t.Parallel()
	// A row whose every field holds a value of its own: text its JSON
	// name, numbers their position.
	var row duckdb.SiteRow
	type field struct {
		name string
		v    reflect.Value
	}
	var fields []field
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if f.Anonymous {
				walk(v.Field(i))
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			fields = append(fields, field{name, v.Field(i)})
		}
	}
	walk(reflect.ValueOf(&row).Elem())
	for i, f := range fields {
		switch f.v.Interface().(type) {
		case string:
			f.v.SetString(f.name)
		case *float64:
			x := float64(i) + 0.5
			f.v.Set(reflect.ValueOf(&x))
		case *int64:
			x := int64(i)
			f.v.Set(reflect.ValueOf(&x))
		default:
			t.Fatalf("field %s is a %s, which siteColumn cannot read", f.name, f.v.Type())
		}
	}
	if len(siteColumns) != len(fields) {
		t.Fatalf("%d columns for %d fields of duckdb.SiteRow", len(siteColumns), len(fields))
	}
	for i, f := range fields {
		c := siteColumns[i]
		if c.name != f.name {
			t.Errorf("column %d is %s, field %s", i+1, c.name, f.name)
			continue
		}
		var got any
		switch {
		case c.text != nil:
			got = c.text(&row)
		case c.num != nil:
			got = *c.num(&row)
		case c.count != nil:
			got = *c.count(&row)
		}
		want := f.v.Interface()
		switch w := want.(type) {
		case *float64:
			want = *w
		case *int64:
			want = *w
		}
		if got != want {
			t.Errorf("column %s reads %v, want %v", c.name, got, want)
		}
	}
}

// TestCSVField checks appendCSVField against encoding/csv: the same bytes
// as its Writer, and its Reader reads back the same fields, for text a
// hostile return might hold.
func TestCSVField(t *testing.T) {
	t.Parallel()
	fields := []string{"", "plain", "a,b", `say "hi"`, "line\nbreak", "cr\rhere", "crlf\r\n", " leading space",
		"\tleading tab", "trailing ", `\.`, `\.x`, "'=SUM(A1)", "Café", "\u00a0no-break first", `""`, ","}
	var std bytes.Buffer
	w := csv.NewWriter(&std)
	w.Write(fields)
	w.Flush()
	var got []byte
	for i, f := range fields {
		if i > 0 {
			got = append(got, ',')
		}
		got = appendCSVField(got, f)
	}
	got = append(got, '\n')
	if string(got) != std.String() {
		t.Errorf("got\n%q\nencoding/csv\n%q", got, std.String())
	}
	back, err := csv.NewReader(bytes.NewReader(got)).Read()
	if err != nil {
		t.Fatal(err)
	}
	for i := range fields {
		// encoding/csv reads \r\n inside a quoted field as \n.
		if want := strings.ReplaceAll(fields[i], "\r\n", "\n"); back[i] != want {
			t.Errorf("field %d read back as %q, want %q", i+1, back[i], want)
		}
	}
}
