package registers

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"
)

// Mapping tells Import how to read a register whose layout it does not
// know. It is a JSON file:
//
//	{
//	  "regulator": "cqc",
//	  "skip_rows": 2,
//	  "columns": {"cqc_location_id": "Loc ref", "name": "Home", "sector": "Owner type"},
//	  "recode": {"sector": {"Independent": "private"}, "rating": {"RI": "Requires improvement"}},
//	  "as_at": "2024-03-31"
//	}
//
// regulator is cqc or ofsted; skip_rows the lines above the header, blank
// lines counted (0: the header is the first row holding every column
// named); columns maps the fields (Fields) to the file's headers and must
// name an identifier of the regulator (an Ofsted URN column beside a CQC
// one makes each row the regulator's whose id it gives); recode gives
// sector and rating words the built-in vocabularies lack; as_at is the day
// the register describes, which wins over its title's and must not be
// after the day the file is imported.
type Mapping struct {
	Regulator string                       `json:"regulator"`
	SkipRows  int                          `json:"skip_rows"`
	Columns   map[string]string            `json:"columns"`
	Recode    map[string]map[string]string `json:"recode"`
	AsAt      string                       `json:"as_at"`

	asAt time.Time
}

// ReadMapping reads a mapping file.
func ReadMapping(path string) (*Mapping, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open mapping: %w", err)
	}
	defer f.Close()
	m, err := DecodeMapping(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// DecodeMapping decodes and checks a mapping, reporting every problem in
// it rather than the first.
func DecodeMapping(r io.Reader) (*Mapping, error) {
	var m Mapping
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("decode mapping (JSON, as in yardstick providers import -h): %w", err)
	}
	var errs []error
	if m.Regulator != CQC && m.Regulator != Ofsted {
		errs = append(errs, fmt.Errorf("regulator is %q; give %q or %q", m.Regulator, CQC, Ofsted))
	}
	if m.SkipRows < 0 {
		errs = append(errs, errors.New("skip_rows must not be negative"))
	}
	hasID, regID := false, false
	for _, f := range sortedFields(m.Columns) {
		if !slices.Contains(Fields, f) {
			errs = append(errs, fmt.Errorf("columns: %q is not a field; the fields are %s", f, strings.Join(Fields, ", ")))
		}
		if strings.TrimSpace(m.Columns[f]) == "" {
			errs = append(errs, fmt.Errorf("columns: %s names no column", f))
		}
		if idFields[f] != "" {
			hasID = true
			regID = regID || idFields[f] == m.Regulator
		}
	}
	switch {
	case !hasID:
		errs = append(errs, fmt.Errorf("columns must name the column of an identifier: %s, %s or %s", FieldLocationID, FieldProviderID, FieldURN))
	case !regID && (m.Regulator == CQC || m.Regulator == Ofsted):
		want := FieldURN
		if m.Regulator == CQC {
			want = FieldLocationID + " or " + FieldProviderID
		}
		errs = append(errs, fmt.Errorf("columns name no identifier of %s, the regulator given: name its %s column, or give the regulator whose ids the file has", m.Regulator, want))
	}
	for f := range m.Recode {
		if f != FieldSector && f != FieldRating {
			errs = append(errs, fmt.Errorf("recode: %q cannot be recoded; only %s and %s can", f, FieldSector, FieldRating))
		}
	}
	if m.AsAt != "" {
		t, err := parseDate(m.AsAt)
		if err != nil {
			errs = append(errs, fmt.Errorf("as_at: %w", err))
		}
		m.asAt = t
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &m, nil
}
