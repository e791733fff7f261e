package publish

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/yardstick-open/yardstick/schemas"
)

// rawRecord is one CSV record as it was written: each field's bytes
// (quotes included) and its decoded text, and the line ending. Rewriting a
// record from raw keeps every untouched field byte for byte, so a file
// DuckDB wrote keeps DuckDB's quoting ("" for an empty string, nothing for
// NULL) where this package changes one field.
type rawRecord struct {
	raw     []string
	vals    []string
	end     string
	changed bool
}

// set replaces field i with v, quoted as needed.
func (r *rawRecord) set(i int, v string) {
	r.vals[i] = v
	r.raw[i] = quoteField(v)
	r.changed = true
}

func (r *rawRecord) write(w *bufio.Writer) error {
	for i, f := range r.raw {
		if i > 0 {
			w.WriteByte(',')
		}
		w.WriteString(f)
	}
	_, err := w.WriteString(r.end)
	return err
}

// quoteField returns v as a CSV field. An empty string is written "", as
// DuckDB writes it, to tell it from a missing value.
func quoteField(v string) string {
	if v != "" && !strings.ContainsAny(v, ",\"\r\n") {
		return v
	}
	return `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
}

// rawReader reads comma-separated records in the RFC 4180 form DuckDB and
// encoding/csv write. It reads a line at a time and slices fields out of
// it, reading on only while a quoted field holds a line break.
type rawReader struct {
	r     *bufio.Reader
	line  int // the line the next record starts on
	width int // fields in the last record, to size the next
}

func newRawReader(r io.Reader) *rawReader {
	return &rawReader{r: bufio.NewReaderSize(r, 1<<16), line: 1}
}

// next appends the next line to s. It returns io.EOF when nothing is left.
func (rr *rawReader) next(s string) (string, error) {
	l, err := rr.r.ReadString('\n')
	if err != nil && err != io.EOF {
		return s, err
	}
	if l == "" {
		return s, io.EOF
	}
	rr.line++
	return s + l, nil
}

// read returns the next record, or io.EOF after the last.
func (rr *rawReader) read() (*rawRecord, error) {
	start := rr.line
	s, err := rr.next("")
	if err != nil {
		return nil, err
	}
	rec := &rawRecord{raw: make([]string, 0, rr.width), vals: make([]string, 0, rr.width)}
	defer func() { rr.width = len(rec.raw) }()
	for i := 0; ; {
		if i < len(s) && s[i] == '"' {
			j := i + 1
			for {
				k := strings.IndexByte(s[j:], '"')
				if k < 0 {
					if s, err = rr.next(s); err != nil {
						if err == io.EOF {
							return nil, fmt.Errorf("line %d: unterminated quoted field", start)
						}
						return nil, err
					}
					continue
				}
				j += k
				if j+1 < len(s) && s[j+1] == '"' {
					j += 2
					continue
				}
				break
			}
			rec.raw = append(rec.raw, s[i:j+1])
			rec.vals = append(rec.vals, strings.ReplaceAll(s[i+1:j], `""`, `"`))
			i = j + 1
		} else {
			k := strings.IndexByte(s[i:], ',')
			if k < 0 {
				k = len(s) - i
			}
			// Only the last field of a line runs to its end.
			if nl := strings.IndexByte(s[i:i+k], '\n'); nl >= 0 {
				k = nl
			}
			f := s[i : i+k]
			if i+k < len(s) && s[i+k] == '\n' {
				f = strings.TrimSuffix(f, "\r")
			}
			rec.raw = append(rec.raw, f)
			rec.vals = append(rec.vals, f)
			i += len(f)
		}
		switch rest := s[i:]; {
		case rest == "":
			return rec, nil
		case rest[0] == ',':
			i++
		case rest == "\n" || rest == "\r\n":
			rec.end = rest
			return rec, nil
		default:
			return nil, fmt.Errorf("line %d: text after a quoted field", start)
		}
	}
}

// columnIndex returns the position of each name in header.
func columnIndex(file string, header []string, names ...string) ([]int, error) {
	idx := make([]int, len(names))
	for i, n := range names {
		idx[i] = slices.Index(header, n)
		if idx[i] < 0 {
			return nil, fmt.Errorf("%s has no column %q", file, n)
		}
	}
	return idx, nil
}

// rewriteCSV passes every record of the CSV file at path through edit,
// which sees the header first (n 0) and may change records in place. When
// a record changed, the file is replaced atomically; otherwise it is left
// as it was. With write false the file is only read, and a change is an
// error.
func rewriteCSV(path string, write bool, edit func(n int, rec *rawRecord) error) error {
	in, err := os.Open(path)
	if err != nil {
		return err
	}
	defer in.Close()
	var out io.Writer = io.Discard
	if write {
		p, err := schemas.CreatePending(path)
		if err != nil {
			return fmt.Errorf("rewrite %s: %w", path, err)
		}
		defer p.Abort()
		out = p
	}
	rr := newRawReader(in)
	bw := bufio.NewWriterSize(out, 1<<16)
	changed := false
	for n := 0; ; n++ {
		rec, err := rr.read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", path, err)
		}
		if err := edit(n, rec); err != nil {
			return err
		}
		changed = changed || rec.changed
		if err := rec.write(bw); err != nil {
			return fmt.Errorf("rewrite %s: %w", path, err)
		}
	}
	if !changed {
		return nil
	}
	p, ok := out.(*schemas.PendingFile)
	if !ok {
		return fmt.Errorf("rewrite %s: changed a file opened only to read", path)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("rewrite %s: %w", path, err)
	}
	if err := p.Commit(); err != nil {
		return fmt.Errorf("rewrite %s: %w", path, err)
	}
	return nil
}

// countCSV returns how many records follow the header of the CSV file at
// path, after checking that the header has the named columns. The records
// are counted, not decoded, which is several times faster than reading
// them: one ends at each line break outside a quoted field, where
// rawReader ends it.
func countCSV(path string, names ...string) (int, error) {
	in, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer in.Close()
	rr := newRawReader(in)
	header, err := rr.read()
	if err == io.EOF {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", path, err)
	}
	if _, err := columnIndex(path, header.vals, names...); err != nil {
		return 0, err
	}
	n, err := countRecords(rr.r)
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", path, err)
	}
	return n, nil
}

// countRecords counts the CSV records left in r, as rawReader would read
// them: a quote opens a quoted field only at the start of a field, and a
// doubled quote inside one is a quote, not its end. Between quotes it
// counts line breaks with bytes.Count, so it runs at memory speed.
func countRecords(r io.Reader) (int, error) {
	const (
		outside = iota // not in a quoted field
		quoted         // in a quoted field
		closing        // after a quote in a quoted field: its end, or the first of a pair
	)
	state, n := outside, 0
	last := byte('\n') // the byte before the next; a record starts after a line break
	buf := make([]byte, 1<<16)
	for {
		k, err := r.Read(buf)
		for b := buf[:k]; len(b) > 0; {
			switch state {
			case closing:
				if b[0] == '"' {
					state, last, b = quoted, '"', b[1:]
					continue
				}
				state = outside
			case quoted:
				i := bytes.IndexByte(b, '"')
				if i < 0 {
					last, b = b[len(b)-1], nil
					continue
				}
				state, last, b = closing, '"', b[i+1:]
				continue
			}
			i := bytes.IndexByte(b, '"')
			if i < 0 {
				n += bytes.Count(b, newline)
				last, b = b[len(b)-1], nil
				continue
			}
			n += bytes.Count(b[:i], newline)
			if i > 0 {
				last = b[i-1]
			}
			if last == ',' || last == '\n' {
				state = quoted
			}
			last, b = '"', b[i+1:]
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, err
		}
	}
	if state == quoted {
		return 0, errors.New("unterminated quoted field")
	}
	if last != '\n' {
		n++ // the last record, without a final line break
	}
	return n, nil
}

var newline = []byte{'\n'}

// eachCSVRow calls fn with the named columns of every record of a CSV
// file with a header.
func eachCSVRow(file string, names []string, fn func([]string) error) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReaderSize(f, 1<<16))
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		return fmt.Errorf("read %s: %w", file, err)
	}
	idx, err := columnIndex(file, header, names...)
	if err != nil {
		return err
	}
	picked := make([]string, len(names))
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", file, err)
		}
		for i, j := range idx {
			picked[i] = rec[j]
		}
		if err := fn(picked); err != nil {
			return err
		}
	}
}

// reshapeCSV renames columns of a CSV file DuckDB wrote and turns its list
// columns, written by DuckDB as [a, b], into the semicolon-separated text
// a release's CSV files use.
func reshapeCSV(path string, renames map[string]string, lists ...string) error {
	var listCols []int
	return rewriteCSV(path, true, func(n int, rec *rawRecord) error {
		if n == 0 {
			for i, name := range rec.vals {
				if slices.Contains(lists, name) {
					listCols = append(listCols, i)
				}
				if to, ok := renames[name]; ok {
					rec.set(i, to)
				}
			}
			return nil
		}
		for _, i := range listCols {
			if rec.raw[i] == "" {
				continue // NULL stays NULL
			}
			items, err := parseList(rec.vals[i])
			if err != nil {
				return fmt.Errorf("%s row %d: %w", path, n, err)
			}
			rec.set(i, strings.Join(items, ";"))
		}
		return nil
	})
}

// parseList reads a DuckDB list as its text form shows it: [a, b c, 'd,e'],
// an item quoted with single quotes when it holds a comma, quote or
// bracket.
func parseList(s string) ([]string, error) {
	if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' {
		return nil, fmt.Errorf("%q is not a list", s)
	}
	s = s[1 : len(s)-1]
	if strings.TrimSpace(s) == "" {
		return []string{}, nil
	}
	var items []string
	var cur strings.Builder
	quoted := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quoted && c == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
		case quoted && c == '\'' && i+1 < len(s) && s[i+1] == '\'':
			i++
			cur.WriteByte('\'')
		case c == '\'':
			quoted = !quoted
		case !quoted && c == ',':
			items = append(items, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	if quoted {
		return nil, fmt.Errorf("unterminated quote in list [%s]", s)
	}
	return append(items, strings.TrimSpace(cur.String())), nil
}
