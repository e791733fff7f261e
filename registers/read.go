package registers

import (
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/gocarina/gocsv"

	"github.com/yardstick-open/yardstick/schemas"
)

// Severity says whether a problem stops an import.
type Severity string

// The severities of a problem.
const (
	SevError   Severity = "error"   // nothing of the file enters the register
	SevWarning Severity = "warning" // the row or the fact is left out; the rest is imported
)

// Problem codes. They are stable: tools may branch on them.
const (
	CodeEmptyFile     = "empty_file"
	CodeCSVSyntax     = "csv_syntax"
	CodeUnknownLayout = "unknown_layout"
	CodeMapping       = "mapping_mismatch"
	CodeNoRows        = "no_rows"
	CodeDecode        = "decode_failed"
	CodeNoID          = "no_identifier"
	CodeBadID         = "bad_identifier"
	CodeSector        = "unknown_sector"
	CodeRating        = "unknown_rating"
	CodeDate          = "bad_date"
	CodeCouncil       = "unknown_council"
	CodeDuplicateID   = "duplicate_identifier"
	CodeTooLarge      = "too_large"
	CodeNoAsAt        = "no_as_at"
	CodeFutureAsAt    = "as_at_after_receipt"
)

// maxProblems caps the problems a report lists; the rest are counted.
const maxProblems = 1000

// Problem is one thing wrong with a register file, placed as a text
// editor places it: Line 1 is the first line of the file, title rows
// included; Column is 1-based; Field is the field (Fields) of the column.
type Problem struct {
	Line     int      `json:"line,omitempty"`
	Column   int      `json:"column,omitempty"`
	Field    string   `json:"field,omitempty"`
	Value    string   `json:"value,omitempty"`
	Code     string   `json:"code"`
	Message  string   `json:"message"`
	Hint     string   `json:"hint,omitempty"`
	Severity Severity `json:"severity"`
}

// String writes the problem as the command line prints it.
func (p Problem) String() string {
	s := "the file"
	if p.Line > 0 {
		s = fmt.Sprintf("line %d", p.Line)
	}
	if p.Column > 0 {
		s += fmt.Sprintf(", column %d", p.Column)
	}
	s += ": " + string(p.Severity) + ": " + p.Message
	if p.Hint != "" {
		s += "\n    hint: " + p.Hint
	}
	return s
}

// Layout is what Import recognised in a file: the regulator, the lines of
// the header, the column that holds each field, and the fields the file
// does not have.
type Layout struct {
	Regulator   string            `json:"regulator"`
	HeaderLines []int             `json:"header_lines"`
	Columns     map[string]string `json:"columns"`
	Missing     []string          `json:"missing,omitempty"`
	// AsAt is the day the register describes, from its title, the
	// mapping or the import's --as-at, as AsAtFrom says; empty when none
	// says.
	AsAt     schemas.Date `json:"as_at"`
	AsAtFrom string       `json:"as_at_from,omitempty"`
	// Mapped is true when a mapping file gave the layout.
	Mapped bool `json:"mapped,omitempty"`
}

// Record is one row of a register, checked and normalised.
type Record struct {
	Line       int    `json:"line"`
	Regulator  string `json:"regulator"`
	LocationID string `json:"cqc_location_id,omitempty"`
	ProviderID string `json:"cqc_provider_id,omitempty"`
	URN        string `json:"ofsted_urn,omitempty"`
	Company    string `json:"company,omitempty"` // GB-COH-…
	Charity    string `json:"charity,omitempty"` // GB-CHC-…
	// Name is the location's or setting's name; empty when the register
	// withheld it (Redacted) or gave none.
	Name         string       `json:"name,omitempty"`
	Redacted     bool         `json:"redacted,omitempty"`
	AlsoKnownAs  string       `json:"also_known_as,omitempty"`
	ProviderName string       `json:"provider_name,omitempty"`
	SectorGiven  string       `json:"sector_given,omitempty"`
	Sector       string       `json:"sector,omitempty"`
	CouncilGiven string       `json:"council_given,omitempty"`
	CouncilCode  string       `json:"council_code,omitempty"`
	Postcode     string       `json:"postcode,omitempty"`
	RatingGiven  string       `json:"rating_given,omitempty"`
	Rating       string       `json:"rating,omitempty"`
	RatingDate   schemas.Date `json:"rating_date"`
	Status       string       `json:"status,omitempty"`
	ServiceType  string       `json:"service_type,omitempty"`
}

// Parsed is what reading a register file gives: its layout, its records
// and its problems. Errors is the number of problems of severity error;
// with any, the file is rejected and Records is empty.
type Parsed struct {
	Layout   *Layout
	Records  []Record
	Rows     int // data rows read, blank rows left out
	Kept     int // records kept, those in Records when Parse made them
	Problems []Problem
	Errors   int
	Warnings int
	Omitted  int // problems past maxProblems, counted but not listed
}

// add counts a problem and lists it, up to maxProblems.
func (p *Parsed) add(pr Problem) {
	if pr.Severity == SevError {
		p.Errors++
	} else {
		p.Warnings++
	}
	if len(p.Problems) >= maxProblems {
		p.Omitted++
		return
	}
	p.Problems = append(p.Problems, pr)
}

// Where a register's as-at day came from (Layout.AsAtFrom).
const (
	AsAtTitle   = "title"   // the register's title rows, such as "as at 31 March 2023"
	AsAtMapping = "mapping" // the mapping's as_at
	AsAtGiven   = "given"   // given at import (yardstick providers import --as-at)
)

// Mixed is the Layout.Regulator of a file with both regulators' ids, as a
// council's own list of its providers may have: each row is the
// regulator's whose id it gives.
const Mixed = "cqc+ofsted"

// addFirst adds a problem about the whole file ahead of the rows', so
// the cap on problems listed never hides it: with the list full, the last
// listed makes way and is counted as omitted.
func (p *Parsed) addFirst(pr Problem) {
	full := len(p.Problems) >= maxProblems
	p.add(pr)
	if !full {
		p.Problems = p.Problems[:len(p.Problems)-1]
	}
	p.Problems = slices.Insert(p.Problems, 0, pr)
	if len(p.Problems) > maxProblems {
		p.Problems = p.Problems[:maxProblems]
	}
}

// row is a register row as gocsv fills it from the columns a header
// matched, renamed to their fields. A field the file lacks stays empty.
type row struct {
	LocationID   string `csv:"cqc_location_id"`
	ProviderID   string `csv:"cqc_provider_id"`
	URN          string `csv:"ofsted_urn"`
	Name         string `csv:"name"`
	AlsoKnownAs  string `csv:"also_known_as"`
	ProviderName string `csv:"provider_name"`
	Sector       string `csv:"sector"`
	Council      string `csv:"council"`
	CouncilCode  string `csv:"council_code"`
	Postcode     string `csv:"postcode"`
	Rating       string `csv:"rating"`
	RatingDate   string `csv:"rating_date"`
	Company      string `csv:"companies_house_number"`
	Charity      string `csv:"charity_number"`
	Status       string `csv:"registration_status"`
	ServiceType  string `csv:"service_type"`
}

// table is a gocsv decoder over rows already read: the header of field
// names, then the data.
type table [][]string

// GetCSVRows returns the rows, as gocsv.SimpleDecoder asks.
func (t table) GetCSVRows() ([][]string, error) { return t, nil }

// errDecodePanic is wrapped by the error decodeTable returns when gocsv
// panics on a row.
var errDecodePanic = errors.New("the CSV decoder failed on this file")

// decodeTable fills a T per data row through gocsv. gocsv has panicked on
// odd input (a row wider than its header, with some field types), and a
// register is untrusted input: a panic becomes an error, never the end of
// the process.
func decodeTable[T any](header []string, rows [][]string) (out []T, err error) {
	defer func() {
		if v := recover(); v != nil {
			out, err = nil, fmt.Errorf("%w: %v", errDecodePanic, v)
		}
	}()
	t := make(table, 0, len(rows)+1)
	t = append(append(t, header), rows...)
	if err := gocsv.UnmarshalDecoder(t, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// Councils resolves the local authority names and codes registers give.
// *schemas.Councils is one.
type Councils interface {
	Resolve(s string, day time.Time) (*schemas.Council, error)
}

// Limits on what Parse reads. The largest register, the CQC care
// directory, is about 30 MB in about 60,000 rows of under 100 columns; a
// file far past these is not a register, and reading it would hold memory
// in proportion to it.
const (
	// MaxRows is the most data rows a register may have.
	MaxRows = 1_000_000
	// MaxColumns is the most columns a row may have, past the empty ones
	// a spreadsheet leaves at its end.
	MaxColumns = 1000
	// MaxLineBytes is the longest line a file may have. A cell with line
	// breaks spans several lines, so only a row without them can be so
	// long; capping it caps what one row costs before its columns are
	// counted.
	MaxLineBytes = 256 << 10
)

// batchRows is how many rows gocsv decodes at once: the rows of a file
// are read and checked a batch at a time, so the text of a whole file is
// never held twice over as cells.
const batchRows = 4096

// Parse reads a register file, recognising its layout from its header,
// or through m when m is not nil, and checks each row. councils resolves
// the local authorities the rows name to GSS codes. A problem in a row
// leaves the row, or the fact, out with a warning; a file whose layout
// is not known, or with no rows, is an error.
func Parse(data []byte, m *Mapping, councils Councils) *Parsed {
	p := &Parsed{}
	parse(p, data, m, councils, MaxRows, func(r Record) { p.Records = append(p.Records, r) })
	if p.Errors > 0 {
		p.Records = nil
	}
	return p
}

// parse is Parse with its limit on rows, which tests lower, handing each
// record to emit as it is read rather than keeping them all: a caller that
// needs only the counts, or builds the register as it reads, holds one
// batch of rows at a time. emit may be nil. A record handed to emit may
// be followed by an error in a later row, which rejects the whole file.
func parse(p *Parsed, data []byte, m *Mapping, councils Councils, maxRows int, emit func(Record)) {
	if line, n := longestLine(data); n > MaxLineBytes {
		p.add(Problem{Line: line, Code: CodeTooLarge, Severity: SevError,
			Message: fmt.Sprintf("line %d is %d KB long, more than the %d KB a register's row can be", line, n>>10, MaxLineBytes>>10),
			Hint:    "check the file is the register, saved as CSV, and not another kind of file"})
		return
	}
	rd := newRecordReader(data)
	// The header is among the first rows: they are read whole; the rest
	// of the file is read a batch at a time below.
	var records [][]string
	var lines []int
	for len(records) < maxHeaderScan+1 {
		rec, line, err := rd.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			p.add(rd.problem(err))
			return
		}
		records = append(records, rec)
		lines = append(lines, line)
	}
	if len(records) == 0 {
		p.add(Problem{Code: CodeEmptyFile, Severity: SevError, Message: "the file is empty"})
		return
	}
	var h *header
	var err error
	if m != nil {
		h, err = mappedHeader(records, lines, m)
		if err != nil {
			p.add(Problem{Code: CodeMapping, Severity: SevError, Message: "the mapping does not fit the file: " + err.Error(),
				Hint: "correct the mapping's skip_rows or the column names in its columns"})
			return
		}
	} else {
		var ok bool
		if h, ok = findHeader(records); !ok {
			p.add(unknownLayout(records, lines))
			return
		}
	}
	lay := &Layout{Regulator: h.regulator, Columns: h.found, Mapped: m != nil}
	if h.mixed {
		lay.Regulator = Mixed
	}
	for i := h.first; i <= h.last; i++ {
		lay.HeaderLines = append(lay.HeaderLines, lines[i])
	}
	for _, f := range Fields {
		if _, ok := h.columns[f]; !ok {
			lay.Missing = append(lay.Missing, f)
		}
	}
	if t, ok := asAtDate(records[:h.first]); ok {
		lay.AsAt, lay.AsAtFrom = schemas.DateOf(t), AsAtTitle
	}
	if m != nil && !m.asAt.IsZero() {
		lay.AsAt, lay.AsAtFrom = schemas.DateOf(m.asAt), AsAtMapping
	}
	p.Layout = lay

	// gocsv sees only the matched columns, renamed to their fields, so
	// it neither guesses at the file's own headers nor zero-fills a
	// field without saying so: the missing fields are listed above.
	fields := make([]string, 0, len(h.columns))
	for _, f := range Fields {
		if _, ok := h.columns[f]; ok {
			fields = append(fields, f)
		}
	}
	var recode map[string]map[string]string
	if m != nil {
		recode = m.Recode
	}
	c := checker{p: p, h: h, councils: councils, recode: recode, seen: map[string]int{}}
	var body [][]string
	var bodyLines []int
	flush := func() bool {
		if len(body) == 0 {
			return true
		}
		rows, err := decodeTable[row](fields, body)
		if err != nil {
			p.add(Problem{Line: bodyLines[0], Code: CodeDecode, Severity: SevError, Message: err.Error(),
				Hint: "check the file opens as a table in a spreadsheet, and send it to the Yardstick team if it does"})
			return false
		}
		for i, r := range rows {
			if rec, ok := c.record(bodyLines[i], r); ok {
				p.Kept++
				if emit != nil {
					emit(rec)
				}
			}
		}
		body, bodyLines = body[:0], bodyLines[:0]
		return true
	}
	take := func(rec []string, line int) bool {
		if allBlank(rec) {
			return true // the empty rows and columns a spreadsheet leaves
		}
		if p.Rows++; p.Rows > maxRows {
			p.add(Problem{Line: line, Code: CodeTooLarge, Severity: SevError,
				Message: fmt.Sprintf("the file has more than %d rows, more than any register", maxRows),
				Hint:    "check the file is the register; split a larger extract by region"})
			return false
		}
		cells := make([]string, len(fields))
		for j, f := range fields {
			cells[j] = strings.TrimSpace(cell(rec, h.columns[f]))
		}
		body = append(body, cells)
		bodyLines = append(bodyLines, line)
		return len(body) < batchRows || flush()
	}
	for i := h.last + 1; i < len(records); i++ {
		if !take(records[i], lines[i]) {
			return
		}
	}
	records = nil
	for {
		rec, line, err := rd.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			p.add(rd.problem(err))
			return
		}
		if !take(rec, line) {
			return
		}
	}
	if !flush() {
		return
	}
	if p.Rows == 0 {
		p.add(Problem{Line: lines[h.last], Code: CodeNoRows, Severity: SevError,
			Message: "the file has a header but no rows below it"})
	}
}

// unknownLayout is the error for a file whose header matches no known
// register: it names the columns found and shows a mapping that loads it.
func unknownLayout(records [][]string, lines []int) Problem {
	i := widestRow(records)
	return Problem{Line: lines[i], Code: CodeUnknownLayout, Severity: SevError,
		Message: fmt.Sprintf("the layout of this file is not one Yardstick knows: no row of the first %d has a CQC location or provider id or an Ofsted URN column among the headers it knows; the likeliest header, line %d, has the columns %s",
			maxHeaderScan, lines[i], quoteCells(records[i])),
		Hint: fmt.Sprintf(`load it with a mapping file naming the column of each field: yardstick providers import --mapping map.json FILE, where map.json is like {"regulator": "cqc", "skip_rows": %d, "columns": {"cqc_location_id": "<column>", "name": "<column>", "sector": "<column>"}}; the fields are %s`,
			lines[i]-1, strings.Join(Fields, ", "))}
}

// allBlank reports whether a row has nothing in it but spaces.
func allBlank(r []string) bool {
	for _, v := range r {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// longestLine returns the longest line of data, by its number and length
// in bytes, to refuse before reading them the files whose rows would
// cost more memory than any register's.
func longestLine(data []byte) (line, n int) {
	for i := 1; len(data) > 0; i++ {
		k := bytes.IndexByte(data, '\n')
		if k < 0 {
			k = len(data)
		}
		if k > n {
			line, n = i, k
		}
		data = data[min(k+1, len(data)):]
	}
	return line, n
}

// recordReader reads the records of a CSV file one at a time, with the
// line each starts on, from its text as decodeText gives it; the
// delimiter is the comma, semicolon or tab that is commonest in the first
// lines.
type recordReader struct {
	r    *csv.Reader
	line int // the line of the last record, for a problem after it
}

// errTooWide is returned by recordReader.next for a row of more than
// MaxColumns columns.
var errTooWide = errors.New("too many columns")

// newRecordReader returns a reader of the records of data.
func newRecordReader(data []byte) *recordReader {
	data = decodeText(data)
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.Comma = sniffDelimiter(data)
	return &recordReader{r: r}
}

// next returns the next record and its line. The empty cells at the end
// of a row are dropped; a row with more than MaxColumns others is an
// error.
func (rr *recordReader) next() ([]string, int, error) {
	rec, err := rr.r.Read()
	if err != nil {
		return nil, 0, err
	}
	rr.line, _ = rr.r.FieldPos(0)
	n := len(rec)
	for n > 0 && strings.TrimSpace(rec[n-1]) == "" {
		n--
	}
	if n > MaxColumns {
		return nil, 0, errTooWide
	}
	return rec[:n:n], rr.line, nil
}

// problem is the error for a failure of next: a row too wide, or a CSV
// syntax error.
func (rr *recordReader) problem(err error) Problem {
	if errors.Is(err, errTooWide) {
		return Problem{Line: rr.line, Code: CodeTooLarge, Severity: SevError,
			Message: fmt.Sprintf("line %d has more than %d columns, more than any register", rr.line, MaxColumns),
			Hint:    "check the file is the register, saved as CSV, and not another kind of file"}
	}
	var pe *csv.ParseError
	line, col := 0, 0
	if errors.As(err, &pe) {
		line, col = pe.Line, pe.Column
	}
	return Problem{Line: line, Column: col, Code: CodeCSVSyntax, Severity: SevError,
		Message: fmt.Sprintf("the file is not readable CSV: %v", err),
		Hint:    "save the register as CSV (comma separated) from the spreadsheet it came in"}
}

// sniffDelimiter returns the commonest of the comma, semicolon and tab in
// the first 64 KB of a file: a register saved from a spreadsheet in
// another locale is separated by semicolons, an export by tabs.
func sniffDelimiter(data []byte) rune {
	head := data[:min(len(data), 64<<10)]
	best, n := ',', bytes.Count(head, []byte{','})
	for _, d := range []rune{';', '\t'} {
		if k := bytes.Count(head, []byte(string(d))); k > n {
			best, n = d, k
		}
	}
	return best
}

// cp1252 holds the characters Windows-1252 puts at 0x80 to 0x9F; the
// other bytes are Latin-1.
var cp1252 = [32]rune{
	'€', '\u0081', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u008d', 'Ž', '\u008f',
	'\u0090', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u009d', 'ž', 'Ÿ',
}

// decodeText returns a file's text as UTF-8. A byte-order mark says
// UTF-16 (as Excel's "Unicode text" saves) or UTF-8, and is dropped, since
// gocsv and encoding/csv would keep it in the first header. Otherwise each
// byte that is not part of valid UTF-8 is read as Windows-1252, as Excel
// saves CSV: a file wholly in Windows-1252 reads as such, and a UTF-8 file
// with one stray byte (a cell pasted in from elsewhere) keeps the rest of
// its text as it is.
func decodeText(data []byte) []byte {
	switch {
	case bytes.HasPrefix(data, []byte("\xff\xfe")):
		return fromUTF16(data[2:], binary.LittleEndian)
	case bytes.HasPrefix(data, []byte("\xfe\xff")):
		return fromUTF16(data[2:], binary.BigEndian)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if utf8.Valid(data) {
		return data
	}
	var out bytes.Buffer
	out.Grow(len(data) + len(data)/8)
	for len(data) > 0 {
		r, n := utf8.DecodeRune(data)
		switch c := data[0]; {
		case r != utf8.RuneError || n > 1:
			out.Write(data[:n])
		case c >= 0x80 && c < 0xA0:
			out.WriteRune(cp1252[c-0x80])
		default:
			out.WriteRune(rune(c))
		}
		data = data[n:]
	}
	return out.Bytes()
}

// fromUTF16 decodes UTF-16 text in the byte order given to UTF-8; an odd
// last byte is dropped.
func fromUTF16(b []byte, order binary.ByteOrder) []byte {
	units := make([]uint16, len(b)/2)
	for i := range units {
		units[i] = order.Uint16(b[2*i:])
	}
	var out bytes.Buffer
	out.Grow(len(b) / 2)
	for _, r := range utf16.Decode(units) {
		out.WriteRune(r)
	}
	return out.Bytes()
}

// checker checks the rows of one file.
type checker struct {
	p        *Parsed
	h        *header
	councils Councils
	recode   map[string]map[string]string
	// seen maps each location id and URN to the line that first gave
	// it, so a second row for the same one is reported.
	seen map[string]int
}

// problem adds a warning about a row, placed at its field's column.
func (c *checker) problem(line int, field, value, code, msg, hint string) {
	col := 0
	if i, ok := c.h.columns[field]; ok {
		col = i + 1
	}
	c.p.add(Problem{Line: line, Column: col, Field: field, Value: value, Code: code, Message: msg, Hint: hint, Severity: SevWarning})
}

// record checks one row. A row without a valid identifier is left out;
// a fact it gives in a form not understood (sector, rating, date, council)
// is left out of the record, each with a warning.
func (c *checker) record(line int, r row) (Record, bool) {
	rec := Record{Line: line, Regulator: c.h.regulator}
	ids := []struct {
		field string
		v     string
		check func(string) (string, error)
		dst   *string
	}{
		{FieldLocationID, r.LocationID, cqcID, &rec.LocationID},
		{FieldProviderID, r.ProviderID, cqcID, &rec.ProviderID},
		{FieldURN, r.URN, urn, &rec.URN},
		{FieldCompany, r.Company, companyID, &rec.Company},
		{FieldCharity, r.Charity, charityID, &rec.Charity},
	}
	var bad []Problem
	for _, id := range ids {
		if blank(id.v) {
			continue
		}
		v, err := id.check(id.v)
		if err != nil {
			bad = append(bad, Problem{Field: id.field, Value: id.v, Message: err.Error()})
			continue
		}
		*id.dst = v
	}
	if c.h.mixed {
		// In a file with both regulators' ids, a row is CQC's if it
		// gives a CQC id, else Ofsted's.
		rec.Regulator = CQC
		if rec.LocationID == "" && rec.ProviderID == "" {
			rec.Regulator = Ofsted
		}
	}
	if rec.LocationID == "" && rec.ProviderID == "" && rec.URN == "" {
		msg, field, value := "the row has no CQC location or provider id or Ofsted URN", "", ""
		if len(bad) > 0 {
			msg, field, value = bad[0].Message, bad[0].Field, bad[0].Value
		}
		c.problem(line, field, value, CodeNoID, msg+", so the row is left out",
			"a provider is known by its regulator's id; give it, or leave the row out of the file")
		return rec, false
	}
	for _, b := range bad {
		c.problem(line, b.Field, b.Value, CodeBadID, b.Message+", so it is left out of the row", "")
	}
	// A register lists a location once, or once per inspection in an
	// extract of ratings: the same id on the same date twice is a copy.
	key := rec.ProviderID + "|" + rec.LocationID + "|" + rec.URN + "|" + strings.TrimSpace(r.RatingDate)
	if first, dup := c.seen[key]; dup {
		c.problem(line, "", "", CodeDuplicateID,
			fmt.Sprintf("the row repeats the id and date of line %d; both are kept, the later one's facts winning", first), "")
	} else {
		c.seen[key] = line
	}

	if redacted(r.Name) {
		rec.Redacted = true
	} else if !blank(r.Name) {
		rec.Name = cleanName(r.Name)
	}
	if !blank(r.AlsoKnownAs) && !redacted(r.AlsoKnownAs) {
		rec.AlsoKnownAs = cleanName(r.AlsoKnownAs)
	}
	if !blank(r.ProviderName) && !redacted(r.ProviderName) {
		rec.ProviderName = cleanName(r.ProviderName)
	}
	if !blank(r.Postcode) && !redacted(r.Postcode) {
		rec.Postcode = strings.ToUpper(strings.Join(strings.Fields(r.Postcode), " "))
	}
	if !blank(r.Status) {
		rec.Status = r.Status
	}
	if !blank(r.ServiceType) {
		rec.ServiceType = r.ServiceType
	}
	if !blank(r.Sector) {
		rec.SectorGiven = r.Sector
		owner := rec.ProviderName
		if owner == "" {
			owner = rec.Name
		}
		s, ok := sectorOf(r.Sector, owner, c.recode[FieldSector])
		if ok && s == "" {
			// CQC's "Organisation" does not say the sector; a charity
			// number says voluntary, and a Companies House number
			// alone a business. The word given records the inference.
			switch {
			case rec.Charity != "":
				s, rec.SectorGiven = SectorVoluntary, r.Sector+" (charity "+rec.Charity+")"
			case rec.Company != "":
				s, _ = sectorOf("private", owner, nil)
				rec.SectorGiven = r.Sector + " (company " + rec.Company + ")"
			}
		}
		if ok {
			rec.Sector = s
		} else {
			c.problem(line, FieldSector, r.Sector, CodeSector,
				fmt.Sprintf("%q is not a sector word the registers use, so the row's sector is left out", r.Sector),
				`map it to public, voluntary, private or plc in a mapping file's recode, as {"recode": {"sector": {"`+r.Sector+`": "private"}}}`)
		}
	}
	if !blank(r.Rating) {
		rec.RatingGiven = r.Rating
		rt, ok := ratingOf(r.Rating, c.recode[FieldRating])
		if ok {
			rec.Rating = rt
		} else {
			c.problem(line, FieldRating, r.Rating, CodeRating,
				fmt.Sprintf("%q is not a rating the regulators give, so the row's rating is left out", r.Rating),
				"the ratings are Outstanding, Good, Requires improvement and Inadequate (Ofsted's older judgements: Adequate, Satisfactory); recode others in a mapping file")
		}
	}
	if !blank(r.RatingDate) {
		t, err := parseDate(r.RatingDate)
		if err != nil {
			c.problem(line, FieldRatingDate, r.RatingDate, CodeDate, err.Error()+"; the row's rating is left out", "")
			rec.Rating, rec.RatingGiven = "", ""
		} else {
			rec.RatingDate = schemas.DateOf(t)
		}
	}
	c.council(line, r, &rec)
	return rec, true
}

// council resolves the local authority of a row: its GSS code when the
// register gives a valid one, else its name.
func (c *checker) council(line int, r row, rec *Record) {
	if c.councils == nil {
		return
	}
	code, name := r.CouncilCode, r.Council
	if blank(code) && blank(name) {
		return
	}
	rec.CouncilGiven = strings.TrimSpace(name)
	if !blank(code) {
		if cl, err := c.councils.Resolve(code, time.Time{}); err == nil {
			rec.CouncilCode = cl.Code
			if rec.CouncilGiven == "" {
				rec.CouncilGiven = code
			}
			return
		}
		// A malformed code (Trafford's own copy of the care directory
		// writes E0800009) falls back to the name beside it.
		if blank(name) {
			c.problem(line, FieldCouncilCode, code, CodeCouncil,
				fmt.Sprintf("%q is not the GSS code of a council, so the row's council is left out", code), "")
			return
		}
	}
	cl, err := c.councils.Resolve(name, time.Time{})
	if err != nil {
		var ce *schemas.CouncilError
		hint := ""
		if errors.As(err, &ce) {
			hint = ce.Hint
		}
		c.problem(line, FieldCouncil, name, CodeCouncil,
			fmt.Sprintf("%v, so the row's council is left out", err), hint)
		return
	}
	rec.CouncilCode = cl.Code
}

// cleanName trims a name and closes up the runs of spaces and line breaks
// spreadsheets leave in it.
func cleanName(s string) string { return strings.Join(strings.Fields(s), " ") }
