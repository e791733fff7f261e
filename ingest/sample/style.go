package sample

import (
	"fmt"
	"math/rand/v2"

	"github.com/yardstick-open/yardstick/schemas"
)

// style is a council's house style for its returns, fixed per council.
type style struct {
	bom, cp1252, crlf bool
	comma             byte
	preamble          int          // title rows before the header
	padPreamble       bool         // title rows padded with empty cells, as spreadsheets export them
	headers           []string     // header text per canonical column, in schemas.Columns order
	order             []int        // the order columns are written in, as indexes into schemas.Columns
	period            periodFormat // how periods are spelt
	byName            bool         // council written by name, not GSS code
	numbers           numberStyle
	missing           string  // how a cell with no figure is written
	missRate          float64 // share of cells with no figure
	suppressSmall     bool    // the council suppresses small cells itself
	noteRate          float64
}

type periodFormat uint8

const (
	periodCanonical periodFormat = iota // 2024-25-Q1
	periodQFirst                        // Q1 2024/25
	periodQLast                         // 2024/25 Q1
	periodMonths                        // Apr-Jun 2024
)

// headerChoices are the spellings councils use for each column, in
// schemas.Columns order. Each must be an alias schemas knows; newStyle
// checks.
var headerChoices = [][]string{
	{"LA code", "Local authority code", "GSS code", "Authority code", "ONS code", "Council code", "LA Code"},
	{"Provider ID", "Provider code", "Provider ref", "Organisation ID", "Supplier code", "Provider Id"},
	{"Provider", "Provider name", "Organisation", "Supplier name", "Provider Name"},
	{"Sector", "Provider sector", "Provider type", "Ownership"},
	{"Service", "Service type", "Service area", "Service Code"},
	{"Measure", "Indicator", "KPI", "Metric ID", "Metric", "Measure code"},
	{"Quarter", "Reporting period", "Financial quarter", "Period", "Reporting quarter"},
	{"Numerator", "Num", "numerator"},
	{"Denominator", "Denom", "denominator"},
	{"Value", "Result", "Figure", "value"},
	{"Notes", "Comments", "Council note", "Comment", "Note"},
}

// nameHeaders head a council column that holds names.
var nameHeaders = []string{"Council", "Local authority", "Authority"}

// canonicalStyle is the style of the one-file output: the template as
// published.
func canonicalStyle() *style {
	st := &style{comma: ',', headers: schemas.Columns, missing: "[x]", missRate: 0.006, noteRate: 0.01}
	for i := range schemas.Columns {
		st.order = append(st.order, i)
	}
	return st
}

// newStyle draws a council's house style. periods are those it returns,
// so that a council is written by name only where the name resolves to it
// in every one.
func newStyle(seed uint64, s *stream, c *schemas.Council, councils *schemas.Councils, periods []schemas.Period) *style {
	r := s.at(seed, key("style", c.Code))
	st := canonicalStyle()
	switch u := r.Float64(); {
	case u < 0.15:
		st.bom = true
	case u < 0.27:
		st.cp1252 = true
	}
	st.crlf = r.Float64() < 0.35
	switch u := r.Float64(); {
	case u < 0.14:
		st.comma = ';'
	case u < 0.22:
		st.comma = '\t'
	}
	if r.Float64() < 0.3 {
		st.preamble = 1 + r.IntN(3)
		st.padPreamble = r.Float64() < 0.7
	}
	if r.Float64() < 0.06 && resolvesByName(c, councils, periods) {
		st.byName = true
	}
	if r.Float64() < 0.45 {
		st.headers = make([]string, len(schemas.Columns))
		for i, col := range schemas.Columns {
			h := headerChoices[i][r.IntN(len(headerChoices[i]))]
			if i == 0 && st.byName {
				h = nameHeaders[r.IntN(len(nameHeaders))]
			}
			if got, primary, ok := schemas.CanonicalColumn(h); !ok || !primary || got != col {
				h = col
			}
			st.headers[i] = h
		}
	} else if st.byName {
		st.headers = append([]string{"Council"}, schemas.Columns[1:]...)
		if got, _, _ := schemas.CanonicalColumn("Council"); got != schemas.ColCouncil {
			st.headers[0] = schemas.ColCouncil
		}
	}
	switch u := r.Float64(); {
	case u < 0.2: // value before its counts
		st.order = []int{0, 1, 2, 3, 4, 5, 6, 9, 7, 8, 10}
	case u < 0.3: // period first
		st.order = []int{6, 0, 1, 2, 3, 4, 5, 7, 8, 9, 10}
	}
	switch u := r.Float64(); {
	case u < 0.15:
		st.period = periodQFirst
	case u < 0.3:
		st.period = periodQLast
	case u < 0.45:
		st.period = periodMonths
	}
	st.numbers = numberStyle{
		thousands: r.Float64() < 0.25,
		percent:   r.Float64() < 0.15,
		pound:     r.Float64() < 0.35,
	}
	st.missing = []string{"[x]", "[x]", "NA", ""}[r.IntN(4)]
	st.missRate = 0.002 + 0.012*r.Float64()
	st.suppressSmall = r.Float64() < 0.25
	st.noteRate = 0.003 + 0.02*r.Float64()
	return st
}

// resolvesByName reports whether the council's name finds it, and only
// it, in every period.
func resolvesByName(c *schemas.Council, councils *schemas.Councils, periods []schemas.Period) bool {
	for _, p := range periods {
		got, err := councils.Resolve(c.Name, p.Start)
		if err != nil || got != c {
			return false
		}
	}
	return true
}

// councilCell is what the council column holds.
func (st *style) councilCell(c *schemas.Council) string {
	if st.byName {
		return c.Name
	}
	return c.Code
}

var quarterMonths = [4]string{"Apr-Jun", "Jul-Sep", "Oct-Dec", "Jan-Mar"}

// periodCell spells a period in the council's style. Only quarters have
// other spellings.
func (st *style) periodCell(p schemas.Period) string {
	if p.Kind != schemas.Quarter || st.period == periodCanonical {
		return p.ID
	}
	fy := p.ID[:7] // 2024-25
	q := p.ID[8:]  // Q1
	slash := fy[:4] + "/" + fy[5:]
	switch st.period {
	case periodQFirst:
		return q + " " + slash
	case periodQLast:
		return slash + " " + q
	}
	return quarterMonths[q[1]-'1'] + " " + fmt.Sprint(p.Start.Year())
}

// preambleRows are the title rows above the header. None may hold a cell
// that reads as a column name, or ingest could take it for the header.
func (st *style) preambleRows(r *rand.Rand, c *schemas.Council, p schemas.Period) []string {
	lines := []string{
		"Quarterly performance return - " + c.Name,
		"Reporting period: " + st.periodCell(p),
		[]string{
			"Prepared by the commissioning intelligence team",
			"Figures are provisional until the annual return",
			"Contract monitoring data for commissioned providers",
		}[r.IntN(3)],
	}
	var out []string
	for _, l := range lines[:st.preamble] {
		if _, _, ok := schemas.CanonicalColumn(l); !ok {
			out = append(out, l)
		}
	}
	return out
}
