package duckdb

import (
	"strings"
	"testing"
)

// TestNullableDest checks the scanners EachSiteRow puts in place of
// database/sql's reflection for nullable numbers: NULL is nil, the
// driver's integer and float types are converted, anything else is an
// error naming the type.
func TestNullableDest(t *testing.T) {
	t.Parallel()
	var f *float64
	var n *int64
	var s string
	dest := nullableDest([]any{&f, &n, &s})
	if _, ok := dest[2].(*string); !ok {
		t.Fatalf("a text destination was replaced by %T", dest[2])
	}
	fs, ns := dest[0].(floatPtrScanner), dest[1].(intPtrScanner)
	for _, tc := range []struct {
		src  any
		want float64
	}{{2.5, 2.5}, {float32(0.5), 0.5}, {int64(7), 7}, {int32(-3), -3}} {
		if err := fs.Scan(tc.src); err != nil || f == nil || *f != tc.want {
			t.Errorf("float from %T %v: got %v, %v; want %v", tc.src, tc.src, f, err, tc.want)
		}
	}
	for _, tc := range []struct {
		src  any
		want int64
	}{{int64(1 << 40), 1 << 40}, {int32(-5), -5}, {int16(9), 9}, {uint8(200), 200}} {
		if err := ns.Scan(tc.src); err != nil || n == nil || *n != tc.want {
			t.Errorf("integer from %T %v: got %v, %v; want %v", tc.src, tc.src, n, err, tc.want)
		}
	}
	if err := fs.Scan(nil); err != nil || f != nil {
		t.Errorf("NULL float: %v, %v", f, err)
	}
	if err := ns.Scan(nil); err != nil || n != nil {
		t.Errorf("NULL integer: %v, %v", n, err)
	}
	if err := fs.Scan("1.5"); err == nil || !strings.Contains(err.Error(), "scan string into *float64") {
		t.Errorf("text into a float: %v", err)
	}
	if err := ns.Scan(1.5); err == nil || !strings.Contains(err.Error(), "scan float64 into *int64") {
		t.Errorf("a float into an integer: %v", err)
	}
}
