package schemas

import (
	"fmt"
	"time"
)

// Date is a calendar day, written as 2006-01-02 in JSON as in the CSV files
// and datapackage.json (a column of type date), where a time.Time would be
// written with a time and a zone it does not have.
type Date struct{ time.Time }

// DateOf returns the day of t.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// String returns the day as 2006-01-02, or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Format(time.DateOnly)
}

// MarshalJSON writes the day as "2006-01-02"; the zero Date as null.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + d.Format(time.DateOnly) + `"`), nil
}

// UnmarshalJSON reads "2006-01-02" or null.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	t, err := time.Parse(`"`+time.DateOnly+`"`, string(b))
	if err != nil {
		return fmt.Errorf("date %s: want \"YYYY-MM-DD\"", b)
	}
	*d = Date{t}
	return nil
}

// Scan reads a DATE column from the database; NULL gives the zero Date.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
	case time.Time:
		*d = DateOf(v)
	default:
		return fmt.Errorf("scan %T into a date", src)
	}
	return nil
}
