package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yardstick-open/yardstick/schemas"
)

// headerSearchRows is how many rows are searched for the header when no
// mapping file says how many preamble rows there are.
const headerSearchRows = 20

var (
	numCols    = len(schemas.Columns)
	canonIndex = func() map[string]int {
		m := map[string]int{}
		for i, c := range schemas.Columns {
			m[c] = i
		}
		return m
	}()
	iCouncil  = canonIndex[schemas.ColCouncil]
	iProvID   = canonIndex[schemas.ColProviderID]
	iProvName = canonIndex[schemas.ColProviderName]
	iSector   = canonIndex[schemas.ColProviderSector]
	iService  = canonIndex[schemas.ColService]
	iMetric   = canonIndex[schemas.ColMetric]
	iPeriod   = canonIndex[schemas.ColPeriod]
	iNum      = canonIndex[schemas.ColNumerator]
	iDen      = canonIndex[schemas.ColDenominator]
	iValue    = canonIndex[schemas.ColValue]
	iNote     = canonIndex[schemas.ColNote]
)

// plan says where each canonical column comes from in a return.
type plan struct {
	header     []string // the source header cells
	headerLine int
	source     []int    // per canonical column: source index, or -1
	constant   []string // per canonical column: constant value, if source is -1
	recode     []map[string]string
	wide       []wideColumn
	skip       []skipRule
	// fileCouncil is the source index of the file's own council column
	// when the mapping gives the council as a constant, or -1.
	fileCouncil int
	maxIndex    int   // the highest source index the plan reads
	valueCol    int   // the value's 1-based source column; 0 when the value is a constant
	figures     []int // source indexes of figures (counts, values), in order
	roles       []cellRole
	fields      []string // per source index: the canonical column it feeds, if any
}

// cellRole is what a source column holds, as the check for split figures
// needs to know it.
type cellRole int8

const (
	roleUnused cellRole = iota // read by no canonical column, or only by a skip rule
	roleFigure                 // a numerator, denominator or value
	roleText                   // any other canonical column
)

type wideColumn struct {
	index  int
	metric string
}

type skipRule struct {
	index  int
	values map[string]bool
}

// rowSource reads a return's records and fills canonical rows from them:
// one row per record, or one per wide column of a record, each with the
// line it came from and the column its value came from. The rows are
// filled straight from the fields the CSV reader has already built: a
// return's rows are all strings, so nothing needs reflection.
type rowSource struct {
	csv  *csv.Reader
	plan *plan
	// report takes the problems of the records next passes over: the
	// return's problems, or the batch a readAhead is filling.
	report   func(Problem)
	syntaxes int
	// small is set when the whole return was in the bytes read to find
	// its header, so reading it further waits on nothing.
	small bool
	// A record of a wide file gives a row per wide column: base is the
	// record's row, rec its fields and wide the next wide column to give
	// (len(plan.wide) when none is left).
	base rawRow
	rec  []string
	wide int
}

// openReturn finds the delimiter and the header of a return and plans how
// to read it. Problems with the header are added to probs; a nil source
// with a nil error means the header problems make the file unreadable.
func openReturn(r io.Reader, m *schemas.Mapping, council string, probs *problems) (*rowSource, error) {
	text := newTextReader(r)
	br := bufio.NewReaderSize(text, 256<<10)
	head, err := br.Peek(128 << 10)
	whole := errors.Is(err, io.EOF) // the return is all in head
	if len(head) == 0 {
		var de *decodeError
		if errors.As(err, &de) {
			return nil, de
		}
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
			return nil, err
		}
		return nil, &decodeError{Problem{Line: 1, Code: CodeEmptyFile, Severity: SevError,
			Message: "the file is empty", Hint: "export the return again; the file has no bytes (or only a byte-order mark)"}}
	}
	if len(bytes.TrimSpace(head)) == 0 {
		return nil, &decodeError{Problem{Line: 1, Code: CodeEmptyFile, Severity: SevError,
			Message: "the file has only blank lines", Hint: "export the return again with its header row and data"}}
	}
	if i := bytes.LastIndexByte(head, '\n'); i >= 0 && !errors.Is(err, io.EOF) {
		head = head[:i+1] // sniff whole lines only
	}
	comma, headerRow, best := sniff(head, m)
	if best == 0 {
		var de *decodeError
		if errors.As(err, &de) {
			return nil, de
		}
		first, _, _ := bytes.Cut(head, []byte("\n"))
		return nil, &decodeError{Problem{Line: 1, Code: CodeNoHeader, Severity: SevError,
			Value:   truncate(strings.TrimSpace(string(first)), 80),
			Message: fmt.Sprintf("no header row with known column names in the first %d rows", headerSearchRows),
			Hint: "the header must name the columns " + strings.Join(schemas.Columns, ", ") +
				" (or accepted spellings such as \"LA code\", \"Provider\", \"Measure\", \"Quarter\"); for another layout use --mapping"}}
	}
	cr := csv.NewReader(br)
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	// The preamble and the header are read as sniff read them, with lazy
	// quotes: a title row such as `Trafford "Q1" return` is not a record
	// and must not stop the file. The rows after the header are strict.
	cr.LazyQuotes = true
	var header []string
	for i := 0; i <= headerRow; i++ {
		rec, err := cr.Read()
		if err != nil {
			var de *decodeError
			if errors.As(err, &de) {
				return nil, de
			}
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, &decodeError{syntaxProblem(pe)}
			}
			if errors.Is(err, io.EOF) {
				return nil, &decodeError{Problem{Line: 1, Code: CodeNoHeader, Severity: SevError,
					Message: "the file ends before its header row",
					Hint:    "export the return again with its header row and data"}}
			}
			return nil, fmt.Errorf("read header: %w", err)
		}
		header = slices.Clone(rec)
	}
	cr.LazyQuotes = false
	line, _ := cr.FieldPos(0)
	p, ok := makePlan(header, line, m, council, probs)
	if !ok {
		return nil, nil
	}
	return &rowSource{csv: cr, plan: p, report: probs.add, wide: len(p.wide), small: whole}, nil
}

// sniff chooses the delimiter and header row: for each candidate delimiter,
// the first row (among the first headerSearchRows, or the row after
// m.SkipRows) with the most recognised column names. It returns how many
// names the best row recognised.
func sniff(head []byte, m *schemas.Mapping) (comma rune, row, best int) {
	comma = ','
	for _, c := range []rune{',', ';', '\t'} {
		cr := csv.NewReader(bytes.NewReader(head))
		cr.Comma = c
		cr.FieldsPerRecord = -1
		cr.LazyQuotes = true
		for i := 0; i < headerSearchRows; i++ {
			rec, err := cr.Read()
			if err != nil {
				break
			}
			if m != nil && m.SkipRows > 0 {
				// skip_rows counts lines as a spreadsheet shows them, blank
				// ones included, which the CSV reader passes over: the
				// header is the first record after those lines.
				if line, _ := cr.FieldPos(0); line <= m.SkipRows {
					continue
				}
			}
			n := 0
			for _, h := range rec {
				if recognised(h, m) {
					n++
				}
			}
			if m != nil && m.SkipRows > 0 && n == 0 && len(rec) > 1 {
				n = 1 // the mapping says where the header is
			}
			if n > best {
				comma, row, best = c, i, n
			}
			if m != nil && m.SkipRows > 0 {
				break // only the first record after the skipped lines is the header
			}
		}
	}
	if best < 2 && (m == nil || m.SkipRows == 0) {
		return comma, 0, 0
	}
	return comma, row, best
}

func recognised(h string, m *schemas.Mapping) bool {
	if _, _, ok := schemas.CanonicalColumn(h); ok {
		return true
	}
	if m == nil {
		return false
	}
	n := schemas.NormaliseHeader(h)
	for _, src := range m.Columns {
		if schemas.NormaliseHeader(src) == n {
			return true
		}
	}
	for src := range m.Wide {
		if schemas.NormaliseHeader(src) == n {
			return true
		}
	}
	return false
}

// makePlan maps the header's cells to canonical columns. It reports header
// problems to probs and returns false when they make the file unreadable.
func makePlan(header []string, line int, m *schemas.Mapping, council string, probs *problems) (*plan, bool) {
	p := &plan{
		header:      header,
		headerLine:  line,
		source:      make([]int, numCols),
		constant:    make([]string, numCols),
		recode:      make([]map[string]string, numCols),
		fileCouncil: -1,
	}
	for i := range p.source {
		p.source[i] = -1
	}
	norm := make([]string, len(header))
	for i, h := range header {
		norm[i] = schemas.NormaliseHeader(h)
	}
	used := make([]bool, len(header))
	find := func(name string) int {
		n := schemas.NormaliseHeader(name)
		for i, h := range norm {
			if h == n && !used[i] {
				return i
			}
		}
		return -1
	}
	ok := true
	fail := func(pr Problem) {
		pr.Line, pr.Severity = line, SevError
		probs.add(pr)
		ok = false
	}
	if m != nil {
		for _, col := range schemas.Columns { // fixed order keeps reports stable
			src, has := m.Columns[col]
			if !has {
				continue
			}
			i := find(src)
			if i < 0 {
				fail(Problem{Field: col, Value: src, Code: CodeMissingColumn,
					Message: fmt.Sprintf("the mapping file reads %s from column %q, which the header does not have", col, src),
					Hint:    hintColumns(header, src)})
				continue
			}
			p.source[canonIndex[col]] = i
			used[i] = true
		}
		srcs := make([]string, 0, len(m.Wide))
		for src := range m.Wide {
			srcs = append(srcs, src)
		}
		slices.Sort(srcs)
		for _, src := range srcs {
			i := find(src)
			if i < 0 {
				fail(Problem{Field: schemas.ColMetric, Value: src, Code: CodeMissingColumn,
					Message: fmt.Sprintf("the mapping file's wide column %q is not in the header", src),
					Hint:    hintColumns(header, src)})
				continue
			}
			p.wide = append(p.wide, wideColumn{index: i, metric: m.Wide[src]})
			used[i] = true
		}
		for col, v := range m.Constant {
			p.constant[canonIndex[col]] = v
		}
		for col, rc := range m.Recode {
			p.recode[canonIndex[col]] = rc
		}
	}
	// Aliases fill the canonical columns the mapping did not; a primary
	// spelling wins over a secondary one (a council code over its name).
	secondary := map[int]int{}
	for i, h := range header {
		if used[i] {
			continue
		}
		col, primary, known := schemas.CanonicalColumn(h)
		if !known {
			continue
		}
		ci := canonIndex[col]
		if m != nil {
			if _, mapped := m.Columns[col]; mapped {
				continue
			}
			if _, isConst := m.Constant[col]; isConst {
				// A constant council for a file that has a council
				// column of its own would relabel another council's
				// figures: the column is read to check each row
				// against the constant.
				if ci == iCouncil && p.fileCouncil < 0 {
					p.fileCouncil = i
					used[i] = true
				}
				continue
			}
		}
		if !primary {
			if _, seen := secondary[ci]; !seen {
				secondary[ci] = i
			}
			continue
		}
		if prev := p.source[ci]; prev >= 0 {
			fail(Problem{Column: i + 1, Field: col, Value: h, Code: CodeDuplicateColumn,
				Message: fmt.Sprintf("columns %d (%q) and %d (%q) both look like %s", prev+1, header[prev], i+1, h, col),
				Hint:    "rename or remove one of them, or say which to use in a mapping file"})
			used[i] = true // the error says what it is; a warning that it is ignored would contradict it
			continue
		}
		p.source[ci] = i
		used[i] = true
	}
	for ci, i := range secondary {
		if p.source[ci] < 0 && p.constant[ci] == "" {
			p.source[ci] = i
			used[i] = true
		}
	}
	// Skip rules are placed last, so that they may name a canonical column
	// found through its alias as well as one the mapping maps, or any
	// source column by its header.
	if m != nil {
		keys := make([]string, 0, len(m.Skip))
		for k := range m.Skip {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			idx := -1
			if ci, isCol := canonIndex[k]; isCol && p.source[ci] >= 0 {
				idx = p.source[ci]
			} else if i := slices.Index(norm, schemas.NormaliseHeader(k)); i >= 0 {
				idx = i
			}
			if idx < 0 {
				fail(Problem{Value: k, Code: CodeMissingColumn,
					Message: fmt.Sprintf("the mapping file skips rows by column %q, which the header does not have", k),
					Hint:    hintColumns(header, k)})
				continue
			}
			vals := map[string]bool{}
			for _, v := range m.Skip[k] {
				vals[strings.TrimSpace(v)] = true
			}
			p.skip = append(p.skip, skipRule{index: idx, values: vals})
			used[idx] = true // read, if only to pass rows over
		}
	}
	if council != "" && p.source[iCouncil] < 0 && p.constant[iCouncil] == "" {
		p.constant[iCouncil] = council
	}
	for i, h := range header {
		if used[i] || strings.TrimSpace(h) == "" {
			continue
		}
		probs.add(Problem{Line: line, Column: i + 1, Value: h, Code: CodeUnknownColumn, Severity: SevWarning,
			Message: fmt.Sprintf("column %q is not part of the return format and is ignored", h),
			Hint:    "if it holds one of " + strings.Join(schemas.Columns, ", ") + ", rename it or use a mapping file"})
	}
	has := func(ci int) bool { return p.source[ci] >= 0 || p.constant[ci] != "" }
	for _, col := range schemas.RequiredColumns {
		ci := canonIndex[col]
		if has(ci) || (ci == iMetric && len(p.wide) > 0) {
			continue
		}
		hint := "add a column headed " + col
		if col == schemas.ColCouncil {
			hint += ", or give the council with --council"
		}
		if al := schemas.ColumnAliases(col); len(al) > 0 {
			hint += fmt.Sprintf(" (accepted spellings, ignoring case and punctuation: %s)", strings.Join(al, ", "))
		}
		fail(Problem{Field: col, Code: CodeMissingColumn, Message: fmt.Sprintf("the header has no %s column", col), Hint: hint})
	}
	if !has(iValue) && !(has(iNum) && has(iDen)) && len(p.wide) == 0 {
		fail(Problem{Field: schemas.ColValue, Code: CodeMissingColumn,
			Message: "the header has no value column, nor numerator and denominator columns",
			Hint:    "add a column headed value, or columns headed numerator and denominator"})
	}
	for _, i := range p.source {
		p.maxIndex = max(p.maxIndex, i)
	}
	for _, w := range p.wide {
		p.maxIndex = max(p.maxIndex, w.index)
	}
	for _, s := range p.skip {
		p.maxIndex = max(p.maxIndex, s.index)
	}
	p.maxIndex = max(p.maxIndex, p.fileCouncil)
	p.valueCol = p.source[iValue] + 1
	p.roles = make([]cellRole, len(header))
	p.fields = make([]string, len(header))
	for ci, i := range p.source {
		if i < 0 {
			continue
		}
		p.roles[i], p.fields[i] = roleText, schemas.Columns[ci]
		if ci == iNum || ci == iDen || ci == iValue {
			p.roles[i] = roleFigure
		}
	}
	for _, w := range p.wide {
		p.roles[w.index], p.fields[w.index] = roleFigure, schemas.ColValue
	}
	for i, r := range p.roles {
		if r == roleFigure {
			p.figures = append(p.figures, i)
		}
	}
	return p, ok
}

func hintColumns(header []string, want string) string {
	near := schemas.Closest(want, header, 3)
	if len(near) == 0 {
		return "the header's columns are: " + truncate(strings.Join(header, ", "), 300)
	}
	return "did you mean " + quoteList(near) + "?"
}

func quoteList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = strconv.Quote(s)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// maxSyntaxErrors is how many malformed CSV records in a row are reported
// before decoding stops: past that the file is not a CSV we can read.
const maxSyntaxErrors = 1000

// next fills r with the next canonical row and returns io.EOF after the
// last. Problems in the records it passes over (syntax, field counts, split
// figures) go to the source's problems; an error ends the rows, a
// *decodeError when the file is past reading.
func (s *rowSource) next(r *rawRow) error {
	p := s.plan
	for {
		if s.wide < len(p.wide) {
			w := p.wide[s.wide]
			s.wide++
			*r = s.base
			r.Metric = w.metric
			r.Value = strings.TrimSpace(s.rec[w.index])
			r.ValueCol = w.index + 1
			return nil
		}
		rec, err := s.csv.Read()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return io.EOF
			}
			var de *decodeError
			if errors.As(err, &de) {
				return de
			}
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return err
			}
			s.syntaxes++
			s.report(syntaxProblem(pe))
			if s.syntaxes >= maxSyntaxErrors {
				return &decodeError{Problem{Line: pe.Line, Code: CodeCSVSyntax, Severity: SevError,
					Message: fmt.Sprintf("stopped reading after %d malformed lines", maxSyntaxErrors),
					Hint:    "the file does not look like a CSV; check the delimiter and the quoting"}}
			}
			continue
		}
		s.syntaxes = 0
		line, _ := s.csv.FieldPos(0)
		if blank(rec) {
			continue
		}
		if note, ok := footer(rec); ok {
			s.report(Problem{Line: line, Value: truncate(note, 80), Code: CodeFooterRow, Severity: SevWarning,
				Message: "the line is a note below the figures, not a row of them, and is passed over",
				Hint:    "if it is meant as a row of figures, fill in its other columns"})
			continue
		}
		if len(rec) <= p.maxIndex {
			s.report(Problem{Line: line, Code: CodeFieldCount, Severity: SevError,
				Message: fmt.Sprintf("the line has %d fields but the header has %d", len(rec), len(p.header)),
				Hint:    "the line may be cut short (a truncated file?) or a field may be missing; compare it with the header"})
			continue
		}
		// Before the count of fields: a split figure often leaves one too
		// many, and its own problem says better what to do.
		if pr, split := s.splitFigure(rec, line); split && !s.skipped(rec) {
			s.report(pr)
			continue
		}
		if len(rec) > len(p.header) && !blank(rec[len(p.header):]) {
			s.report(Problem{Line: line, Column: len(p.header) + 1, Code: CodeFieldCount, Severity: SevError,
				Value:   truncate(rec[len(p.header)], 40),
				Message: fmt.Sprintf("the line has %d fields but the header has %d", len(rec), len(p.header)),
				Hint:    "a value may contain the delimiter; put double quotes around values that contain commas"})
			continue
		}
		if s.skipped(rec) {
			continue
		}
		*r = rawRow{
			Council:    s.field(rec, iCouncil),
			ProviderID: s.field(rec, iProvID),
			Provider:   s.field(rec, iProvName),
			Sector:     s.field(rec, iSector),
			Service:    s.field(rec, iService),
			Metric:     s.field(rec, iMetric),
			Period:     s.field(rec, iPeriod),
			Numerator:  s.field(rec, iNum),
			Denom:      s.field(rec, iDen),
			Value:      s.field(rec, iValue),
			Note:       s.field(rec, iNote),
			Line:       line,
			ValueCol:   p.valueCol,
		}
		if p.fileCouncil >= 0 {
			r.FileCouncil = strings.TrimSpace(rec[p.fileCouncil])
		}
		if len(p.wide) == 0 {
			return nil
		}
		// The record's fields stay valid until the next Read, which
		// comes only after its last wide column.
		s.base, s.rec, s.wide = *r, rec, 0
	}
}

// field returns canonical column ci of record rec: its source cell trimmed,
// or the mapping's constant, then recoded as the mapping says.
func (s *rowSource) field(rec []string, ci int) string {
	p := s.plan
	var v string
	if i := p.source[ci]; i >= 0 {
		v = strings.TrimSpace(rec[i])
	} else {
		v = p.constant[ci]
	}
	if rc := p.recode[ci]; rc != nil {
		if to, ok := rc[v]; ok {
			v = to
		}
	}
	return v
}

// splitFigure finds a figure cut in two by an unquoted thousands separator
// in a comma-delimited line: `£2,500.00` read as a value of £2 and a note
// of "500.00". Where the cell after a figure is a note, a name, another
// column of text, or an extra field past the header, a figure that could be
// the first group of a larger one (1 to 3 digits, no leading 0, no
// decimals) followed by a cell that is a group of three digits (with
// decimals or a percent sign after it) is taken as split: no real note is
// just "500.00". Where the next cell is itself a figure (a numerator then
// a denominator), 850 then 100 is ordinary, so only a group with a leading
// 0, which no spreadsheet writes, counts: `1,050` read as 1 and 050.
// Columns the return format ignores are passed over: they may hold any
// figures.
func (s *rowSource) splitFigure(rec []string, line int) (Problem, bool) {
	if s.csv.Comma != ',' {
		return Problem{}, false
	}
	p := s.plan
	for _, i := range p.figures {
		if i+1 >= len(rec) {
			continue
		}
		head := strings.TrimSpace(rec[i])
		if !figureHead(head) {
			continue
		}
		next := strings.TrimSpace(rec[i+1])
		role := roleText // an extra field past the header
		if i+1 < len(p.roles) {
			role = p.roles[i+1]
		}
		if role == roleUnused || !thousandsGroup(next) || role == roleFigure && next[0] != '0' {
			continue
		}
		figure := head + "," + next
		for j := i + 2; j < len(rec) && len(next) == 3 && (j >= len(p.roles) || p.roles[j] == roleText); j++ {
			next = strings.TrimSpace(rec[j])
			if !thousandsGroup(next) {
				break
			}
			figure += "," + next
		}
		cell := func(k int) string {
			if k >= len(p.header) {
				return "an extra field past the header"
			}
			return fmt.Sprintf("column %d (%q)", k+1, truncate(p.header[k], 40))
		}
		return Problem{Line: line, Column: i + 1, Field: p.fields[i], Value: figure, Code: CodeSplitFigure, Severity: SevError,
			Message: fmt.Sprintf("%s looks like one figure split in two at its thousands separator: %s reads %q and %s reads %q",
				figure, cell(i), head, cell(i+1), strings.TrimSpace(rec[i+1])),
			Hint: fmt.Sprintf("put double quotes around a figure with thousands separators (\"%s\"), or write it without them (%s)",
				figure, strings.ReplaceAll(figure, ",", ""))}, true
	}
	return Problem{}, false
}

// figureHead reports whether s could be the first group of a figure with
// thousands separators: 1 to 3 digits, not starting with 0, after an
// optional sign and pound sign.
func figureHead(s string) bool {
	s = strings.TrimPrefix(s, "-")
	s = strings.TrimPrefix(s, "£")
	s = strings.TrimPrefix(s, "-")
	if len(s) == 0 || len(s) > 3 || s[0] == '0' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// thousandsGroup reports whether s could be a later group of a figure with
// thousands separators: three digits, then perhaps decimals and a percent
// sign.
func thousandsGroup(s string) bool {
	s = strings.TrimSuffix(s, "%")
	if len(s) < 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	if len(s) == 3 {
		return true
	}
	if s[3] != '.' || len(s) == 4 {
		return false
	}
	for i := 4; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func (s *rowSource) skipped(rec []string) bool {
	for _, r := range s.plan.skip {
		if r.values[strings.TrimSpace(rec[r.index])] {
			return true
		}
	}
	return false
}

// footerWords start the notes spreadsheets put below a table ("Source:
// NHS England", "Notes", "* provisional", "© Crown copyright").
var footerWords = []string{"source", "sources", "note", "notes", "footnote", "footnotes", "copyright", "©", "(c)",
	"*", "produced by", "published by", "data source", "contact", "end of"}

// footer reports whether a record is a note below the figures: one cell
// of text, the rest blank, starting with one of footerWords as a word.
func footer(rec []string) (string, bool) {
	text := ""
	for _, f := range rec {
		if t := strings.TrimSpace(f); t != "" {
			if text != "" {
				return "", false
			}
			text = t
		}
	}
	low := strings.ToLower(text)
	for _, w := range footerWords {
		rest, ok := strings.CutPrefix(low, w)
		if !ok {
			continue
		}
		if r, _ := utf8.DecodeRuneInString(rest); rest == "" || !unicode.IsLetter(r) && !unicode.IsDigit(r) || !isWordy(w) {
			return text, true
		}
	}
	return "", false
}

// isWordy reports whether a footer word ends in a letter, so must be
// followed by something else to be a word of its own ("Sources" is not
// "Source" then "s", but "*" may run into the note it marks).
func isWordy(w string) bool {
	r, _ := utf8.DecodeLastRuneInString(w)
	return unicode.IsLetter(r)
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

func syntaxProblem(pe *csv.ParseError) Problem {
	p := Problem{Line: pe.Line, Column: pe.Column, Code: CodeCSVSyntax, Severity: SevError}
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		p.Message = "a double quote appears inside a field that does not start with one"
		p.Hint = "put double quotes around the whole field and double any quote inside it (\"\")"
	case errors.Is(pe.Err, csv.ErrQuote):
		p.Line, p.Column = pe.StartLine, 0
		p.Message = fmt.Sprintf("a quoted field that starts on line %d is never closed", pe.StartLine)
		p.Hint = "add the closing double quote; if this is the last line, the file may have been cut short"
	default:
		p.Message = pe.Err.Error()
	}
	return p
}
