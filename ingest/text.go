package ingest

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// MaxLineBytes is the longest physical line a return may have. Real returns
// have lines of a few hundred bytes; a longer line means the file is not a
// CSV (or has lost its line ends), and reading it whole would exhaust memory.
const MaxLineBytes = 1 << 20

// decodeError is a problem that stops decoding: the rest of the file cannot
// be read reliably.
type decodeError struct {
	Problem
}

func (e *decodeError) Error() string { return e.Message }

// textReader passes a return's bytes through as UTF-8. It drops a leading
// UTF-8 byte-order mark, transcodes Windows-1252 to UTF-8, and stops with a
// decodeError on binary content, on bytes that are neither UTF-8 nor
// Windows-1252, and on over-long lines.
//
// The encoding is decided by the first non-ASCII byte: if it starts a valid
// UTF-8 sequence the file is UTF-8, otherwise Windows-1252. Everything
// before it is ASCII, which reads the same in both, so the file is read in
// one pass without guessing ahead.
type textReader struct {
	r       io.Reader
	buf     []byte // raw bytes not yet examined; reads land in its spare capacity
	out     []byte // decoded bytes not yet returned
	outBuf  []byte // the memory out is decoded into, kept from fill to fill
	enc     encoding
	line    int // current line, 1-based
	lineLen int // bytes in the current line so far
	start   bool
	eof     bool
	err     error
}

type encoding int

const (
	encUnknown encoding = iota // only ASCII seen so far
	encUTF8
	encCP1252
)

// textReadSize is how many bytes textReader asks its reader for at a time.
const textReadSize = 64 << 10

func newTextReader(r io.Reader) *textReader {
	// Room for one read and what a read may leave undecoded: part of a
	// character, or of a byte-order mark.
	return &textReader{r: r, buf: make([]byte, 0, textReadSize+utf8.UTFMax), line: 1, start: true}
}

func (t *textReader) Read(p []byte) (int, error) {
	for len(t.out) == 0 {
		if t.err != nil {
			return 0, t.err
		}
		if err := t.fill(); err != nil {
			t.err = err
		}
	}
	n := copy(p, t.out)
	t.out = t.out[n:]
	return n, nil
}

// fill reads more raw bytes and decodes as many as form whole characters.
// Its buffers are kept from one fill to the next: a national return is
// thousands of fills, and memory made anew for each was a fifth of what
// ingest allocated, all of it for the garbage collector to clear.
func (t *textReader) fill() error {
	if !t.eof {
		if cap(t.buf)-len(t.buf) < textReadSize {
			t.buf = append(make([]byte, 0, len(t.buf)+2*textReadSize), t.buf...)
		}
		n, err := t.r.Read(t.buf[len(t.buf) : len(t.buf)+textReadSize])
		t.buf = t.buf[:len(t.buf)+n]
		if errors.Is(err, io.EOF) {
			t.eof = true
		} else if err != nil {
			return err
		}
	}
	if t.start {
		if len(t.buf) < 4 && !t.eof { // the longest byte-order mark, UTF-32's
			return nil
		}
		if err := t.checkStart(); err != nil {
			return err
		}
		t.start = false
	}
	out := t.outBuf[:0] // fill runs only once out is all returned
	b := t.buf
	i := 0
	for i < len(b) {
		// Fast path: a stretch of plain ASCII text is checked and copied
		// as a block; only line ends, NUL and non-ASCII bytes stop it.
		j := plainRun(b, i)
		if j > i {
			t.lineLen += j - i
			if t.lineLen > MaxLineBytes {
				return t.tooLong()
			}
			out = append(out, b[i:j]...)
			i = j
			continue
		}
		c := b[i]
		if c == '\n' {
			t.line++
			t.lineLen = 0
			out = append(out, c)
			i++
			continue
		}
		if c == 0 {
			return t.fail(CodeBinaryFile, "the file holds binary data (a NUL byte), not text",
				"save the spreadsheet as CSV (comma delimited) and submit that file")
		}
		if t.enc != encCP1252 {
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size <= 1 && !utf8.FullRune(b[i:]) && !t.eof {
				break // an incomplete sequence at the end of the buffer: wait for more
			}
			if r != utf8.RuneError || size > 1 {
				t.enc = encUTF8
				out = append(out, b[i:i+size]...)
				t.lineLen += size
				i += size
				continue
			}
			if t.enc == encUTF8 {
				return t.fail(CodeEncoding, fmt.Sprintf("line %d has a byte (0x%02X) that is not valid UTF-8, after earlier lines in UTF-8", t.line, c),
					"the file mixes text encodings; open it in a spreadsheet and save it again as CSV UTF-8")
			}
			t.enc = encCP1252
		}
		r := cp1252[c-0x80]
		if r == 0 {
			return t.fail(CodeEncoding, fmt.Sprintf("line %d has a byte (0x%02X) that is neither UTF-8 nor Windows-1252 text", t.line, c),
				"save the file as CSV UTF-8; if it is not a spreadsheet export, it is not a return")
		}
		out = utf8.AppendRune(out, r)
		t.lineLen += 2
		i++
	}
	t.buf = append(t.buf[:0], b[i:]...)
	t.out, t.outBuf = out, out
	if t.eof && len(t.buf) == 0 && len(out) == 0 {
		return io.EOF
	}
	return nil
}

// plainRun returns the index of the first byte of b from i on that is a
// line end, a NUL or not ASCII, or len(b) if there is none. It looks at
// eight bytes at a time: the text reader passes every byte of a return
// through it.
func plainRun(b []byte, i int) int {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
		nl    = '\n' * ones
	)
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		// A byte of w is flagged if its high bit is set (not ASCII), if
		// it is 0, or if it is a line end (0 once XORed with nl). The
		// zero tests may flag a byte after a flagged one as well, never
		// one before, so the first flag is exact.
		x := w ^ nl
		if (w|(w-ones)&^w|(x-ones)&^x)&highs != 0 {
			break
		}
	}
	for ; i < len(b); i++ {
		if c := b[i]; c >= 0x80 || c == 0 || c == '\n' {
			break
		}
	}
	return i
}

// checkStart looks at the first bytes for a byte-order mark.
func (t *textReader) checkStart() error {
	b := t.buf
	switch {
	case len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF:
		t.buf = b[3:]
		t.enc = encUTF8
	case len(b) >= 4 && (b[0] == 0xFF && b[1] == 0xFE && b[2] == 0 && b[3] == 0 || b[0] == 0 && b[1] == 0 && b[2] == 0xFE && b[3] == 0xFF):
		// Checked before UTF-16, whose little-endian mark UTF-32's begins with.
		return t.fail(CodeEncoding, "the file is UTF-32 text, which is not accepted",
			"save it as CSV UTF-8 (in Excel: Save As, then \"CSV UTF-8 (Comma delimited)\")")
	case len(b) >= 2 && (b[0] == 0xFF && b[1] == 0xFE || b[0] == 0xFE && b[1] == 0xFF):
		return t.fail(CodeEncoding, "the file is UTF-16 text, which is not accepted",
			"save it as CSV UTF-8 (in Excel: Save As, then \"CSV UTF-8 (Comma delimited)\")")
	}
	return nil
}

func (t *textReader) tooLong() error {
	return t.fail(CodeLineTooLong, fmt.Sprintf("line %d is longer than %d bytes", t.line, MaxLineBytes),
		"a return's lines are short; check the file is a CSV with line breaks, not a spreadsheet or a database dump")
}

func (t *textReader) fail(code, msg, hint string) error {
	return &decodeError{Problem{Line: t.line, Code: code, Message: msg, Hint: hint, Severity: SevError}}
}

// cp1252 maps the bytes 0x80-0xFF of Windows-1252 to Unicode; zero marks
// the five bytes the encoding leaves undefined.
var cp1252 = func() [128]rune {
	var t [128]rune
	high := [32]rune{
		0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
		0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
	}
	copy(t[:32], high[:])
	for i := 32; i < 128; i++ {
		t[i] = rune(0x80 + i) // 0xA0-0xFF are Latin-1
	}
	return t
}()
