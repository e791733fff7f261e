package registers

import (
	"fmt"
	"slices"
	"strings"
)

// maxHeaderScan is how many rows from the top of a file are searched for
// its header: the registers put a title, notes and a blank row or two
// above it, never dozens.
const maxHeaderScan = 50

// header is where a file's header was found and what its columns hold.
type header struct {
	regulator string
	// first and last are the indexes of the header's rows among the
	// file's records: equal for a one-row header, last = first+1 for a
	// header of two rows (a group heading over the column's own).
	first, last int
	// columns maps a field to the index of the column holding it.
	columns map[string]int
	// found is what each field's column is headed in the file.
	found map[string]string
	// mixed is true for a header with both regulators' id columns: each
	// row is then the regulator's whose id it gives.
	mixed bool
}

// candidateTexts returns, for each column of a one- or two-row header,
// the texts it may be known by: its own cell; for a two-row header, the
// top cell where the bottom one is blank (a heading merged down over both
// rows) and the group heading carried across and joined to the bottom cell
// ("Latest full inspection" over "date").
func candidateTexts(top, bottom []string) [][]string {
	n := max(len(top), len(bottom))
	out := make([][]string, n)
	group := ""
	for c := range n {
		t, b := cell(top, c), cell(bottom, c)
		if t != "" {
			group = t
		}
		switch {
		case top == nil:
			out[c] = []string{b}
		case b == "":
			out[c] = []string{t}
		default:
			out[c] = []string{b, group + " " + b}
		}
	}
	return out
}

// cell returns a row's cell c, trimmed, or "" past the end of the row:
// the rows of a CSV file differ in length.
func cell(row []string, c int) string {
	if c < len(row) {
		return strings.TrimSpace(row[c])
	}
	return ""
}

// matchColumns matches the columns' texts against the aliases of the
// regulator's registers. Each field goes to the column whose alias comes
// first in the table (the leftmost of equals), and each column holds one
// field at most.
func matchColumns(texts [][]string, regulator string) (map[string]int, map[string]string) {
	best := map[string]int{} // field -> alias index
	cols := map[string]int{}
	found := map[string]string{}
	for c, opts := range texts {
		field, rank, text := "", -1, ""
		for _, t := range opts {
			for _, i := range aliasIndex[headerKey(t)] {
				a := aliases[i]
				if a.regulator != "" && a.regulator != regulator {
					continue
				}
				if rank < 0 || i < rank {
					field, rank, text = a.field, i, t
				}
			}
			if rank >= 0 {
				break // the cell's own text wins over the joined one
			}
		}
		if rank < 0 {
			continue
		}
		if r, ok := best[field]; ok && r <= rank {
			continue
		}
		best[field], cols[field], found[field] = rank, c, text
	}
	return cols, found
}

// hasID reports whether columns include an identifier of the regulator.
func hasID(cols map[string]int, regulator string) bool {
	for f := range cols {
		if idFields[f] == regulator {
			return true
		}
	}
	return false
}

// findHeader looks for the header in the first rows of records: the first
// row that, alone or with the row below it, names an identifier of a
// regulator and another field. The header has two rows where the pair
// matches more fields than either row alone: a title row above a one-row
// header adds nothing and is left out.
func findHeader(records [][]string) (*header, bool) {
	limit := min(len(records), maxHeaderScan)
	size := func(h *header) int {
		if h == nil {
			return 0
		}
		return len(h.columns)
	}
	for i := range limit {
		single := matchHeader(i, i, candidateTexts(nil, records[i]))
		if i+1 < len(records) {
			pair := matchHeader(i, i+1, candidateTexts(records[i], records[i+1]))
			below := matchHeader(i+1, i+1, candidateTexts(nil, records[i+1]))
			if pair != nil && size(pair) > size(single) && size(pair) > size(below) {
				return pair, true
			}
		}
		if single != nil {
			return single, true
		}
	}
	return nil, false
}

// matchHeader reads texts as the header of one regulator's register: the
// one whose aliases match more columns, among those with an id column.
// The other regulator's id columns are read too where the file has them
// (a council's own list of the homes it uses may give CQC ids and Ofsted
// URNs side by side), so no row is left out for want of the id it gives.
// A header needs an id and one other field.
func matchHeader(first, last int, texts [][]string) *header {
	var best *header
	for _, reg := range []string{CQC, Ofsted} {
		cols, found := matchColumns(texts, reg)
		if hasID(cols, reg) && (best == nil || len(cols) > len(best.columns)) {
			best = &header{regulator: reg, first: first, last: last, columns: cols, found: found}
		}
	}
	if best == nil {
		return nil
	}
	other := Ofsted
	if best.regulator == Ofsted {
		other = CQC
	}
	used := map[int]bool{}
	for _, c := range best.columns {
		used[c] = true
	}
	cols, found := matchColumns(texts, other)
	for _, f := range Fields {
		if c, ok := cols[f]; ok && idFields[f] == other && !used[c] {
			best.columns[f], best.found[f], best.mixed = c, found[f], true
		}
	}
	if len(best.columns) < 2 {
		return nil
	}
	return best
}

// mappedHeader finds the header a mapping file describes: the first row
// below its skip_rows lines (blank lines counted, as a text editor counts
// them), or else the first row holding every column it names. lines are
// the lines the records start on.
func mappedHeader(records [][]string, lines []int, m *Mapping) (*header, error) {
	match := func(i int) (*header, []string) {
		keys := map[string]int{}
		for c, v := range records[i] {
			if k := headerKey(v); k != "" {
				if _, dup := keys[k]; !dup {
					keys[k] = c
				}
			}
		}
		h := &header{regulator: m.Regulator, first: i, last: i, columns: map[string]int{}, found: map[string]string{}}
		var missing []string
		for _, f := range sortedFields(m.Columns) {
			c, ok := keys[headerKey(m.Columns[f])]
			if !ok {
				missing = append(missing, fmt.Sprintf("%q", m.Columns[f]))
				continue
			}
			h.columns[f], h.found[f] = c, m.Columns[f]
		}
		return h, missing
	}
	if m.SkipRows > 0 {
		i := slices.IndexFunc(lines, func(l int) bool { return l > m.SkipRows })
		if i < 0 {
			return nil, fmt.Errorf("the mapping skips %d lines but the header is looked for in the first %d lines, and no row starts after line %d", m.SkipRows, lines[len(lines)-1], m.SkipRows)
		}
		h, missing := match(i)
		if len(missing) > 0 {
			return nil, fmt.Errorf("line %d, the header by the mapping's skip_rows, has no column %s; it has %s",
				lines[i], strings.Join(missing, ", "), quoteCells(records[i]))
		}
		h.mixed = mixedIDs(h.columns)
		return h, nil
	}
	for i := range min(len(records), maxHeaderScan) {
		if h, missing := match(i); len(missing) == 0 {
			h.mixed = mixedIDs(h.columns)
			return h, nil
		}
	}
	return nil, fmt.Errorf("no row of the first %d holds every column the mapping names (%s)",
		maxHeaderScan, strings.Join(quoted(m.Columns), ", "))
}

// mixedIDs reports whether columns hold both regulators' ids.
func mixedIDs(cols map[string]int) bool {
	return hasID(cols, CQC) && hasID(cols, Ofsted)
}

// sortedFields returns the fields a mapping names, sorted.
func sortedFields(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for f := range m {
		out = append(out, f)
	}
	slices.Sort(out)
	return out
}

// quoted lists the columns a mapping names, quoted, in field order.
func quoted(m map[string]string) []string {
	var out []string
	for _, f := range sortedFields(m) {
		out = append(out, fmt.Sprintf("%q", m[f]))
	}
	return out
}

// maxQuotedCells is how many cells quoteCells lists: enough to recognise
// a header by, few enough that a file of thousands of columns does not
// make a report of megabytes.
const maxQuotedCells = 40

// quoteCells lists a row's non-blank cells, quoted, for an error message:
// the first maxQuotedCells of them, and how many more there are.
func quoteCells(row []string) string {
	var out []string
	more := 0
	for _, v := range row {
		if v = strings.Join(strings.Fields(v), " "); v != "" {
			if len(out) == maxQuotedCells {
				more++
				continue
			}
			if len(v) > 80 {
				v = strings.ToValidUTF8(v[:77], "") + "..."
			}
			out = append(out, fmt.Sprintf("%q", v))
		}
	}
	if more > 0 {
		out = append(out, fmt.Sprintf("and %d more", more))
	}
	if len(out) == 0 {
		return "no named columns"
	}
	return strings.Join(out, ", ")
}

// widestRow returns the index of the row among the first that has the
// most non-blank cells: the likeliest header of a file whose header is
// not known, to name its columns in the error.
func widestRow(records [][]string) int {
	best, n := 0, -1
	for i := range min(len(records), maxHeaderScan) {
		k := 0
		for _, v := range records[i] {
			if strings.TrimSpace(v) != "" {
				k++
			}
		}
		if k > n {
			best, n = i, k
		}
	}
	return best
}
