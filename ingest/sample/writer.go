package sample

import (
	"bufio"
	"math"
	"strconv"
	"unicode/utf8"
)

// csvWriter writes delimited rows in a file's dialect: delimiter, line
// end and character encoding. It quotes as encoding/csv does, and encodes
// to Windows-1252 as it goes, so no row is held longer than it takes to
// write.
type csvWriter struct {
	w      *bufio.Writer
	comma  byte
	crlf   bool
	cp1252 bool
	buf    []byte
}

func (cw *csvWriter) write(fields []string) error {
	b := cw.buf[:0]
	for i, f := range fields {
		if i > 0 {
			b = append(b, cw.comma)
		}
		if needsQuotes(f, cw.comma) {
			b = append(b, '"')
			b = cw.appendText(b, f, true)
			b = append(b, '"')
		} else {
			b = cw.appendText(b, f, false)
		}
	}
	if cw.crlf {
		b = append(b, '\r')
	}
	b = append(b, '\n')
	cw.buf = b
	_, err := cw.w.Write(b)
	return err
}

func (cw *csvWriter) appendText(b []byte, s string, quoted bool) []byte {
	plain := !quoted || !containsByte(s, '"')
	if plain && (!cw.cp1252 || ascii(s)) {
		return append(b, s...)
	}
	for _, r := range s {
		switch {
		case r == '"' && quoted:
			b = append(b, '"', '"')
		case r < utf8.RuneSelf:
			b = append(b, byte(r))
		case cw.cp1252:
			b = append(b, encode1252(r))
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return b
}

func needsQuotes(s string, comma byte) bool {
	if s == "" {
		return false
	}
	if s[0] == ' ' || s[0] == '\t' || s[len(s)-1] == ' ' {
		return true
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case comma, '"', '\r', '\n':
			return true
		}
	}
	return false
}

func containsByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// cp1252High maps Windows-1252 bytes 0x80-0x9F to Unicode; 0 marks the
// five bytes the code page leaves undefined. Bytes 0xA0-0xFF are the
// Latin-1 characters of the same number.
var cp1252High = [32]rune{
	'€', 0, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 0, 'Ž', 0,
	0, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 0, 'ž', 'Ÿ',
}

// encode1252 returns the Windows-1252 byte for r, or '?' when the code
// page has none.
func encode1252(r rune) byte {
	if r < 0x80 || r >= 0xA0 && r <= 0xFF {
		return byte(r)
	}
	for i, c := range cp1252High {
		if c == r && c != 0 {
			return byte(0x80 + i)
		}
	}
	return '?'
}

// decode1252 decodes Windows-1252 text. It is the inverse of encode1252,
// kept beside it for the tests.
func decode1252(b []byte) string {
	out := make([]rune, 0, len(b))
	for _, c := range b {
		switch {
		case c < 0x80 || c >= 0xA0:
			out = append(out, rune(c))
		case cp1252High[c-0x80] != 0:
			out = append(out, cp1252High[c-0x80])
		default:
			out = append(out, utf8.RuneError)
		}
	}
	return string(out)
}

// numberStyle is how a council writes figures.
type numberStyle struct {
	thousands bool // 1,234
	percent   bool // 85.3% for metrics in percent
	pound     bool // £21.45 for metrics in pounds
}

// formatCount writes a whole number, with thousands separators if asked.
func formatCount(b []byte, n int64, thousands bool) []byte {
	if !thousands || n < 1000 && n > -1000 {
		return strconv.AppendInt(b, n, 10)
	}
	return group(b, strconv.AppendInt(nil, n, 10))
}

// group appends digits (an optional sign, then the integer part, then any
// fraction) with commas between groups of three in the integer part.
func group(b, digits []byte) []byte {
	start := 0
	if len(digits) > 0 && digits[0] == '-' {
		b = append(b, '-')
		start = 1
	}
	end := start
	for end < len(digits) && digits[end] != '.' {
		end++
	}
	for i := start; i < end; i++ {
		if i > start && (end-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, digits[i])
	}
	return append(b, digits[end:]...)
}

// formatFigure writes x with at least decimals places, and more when the
// rounding would otherwise land on the edge of the tolerance ingest allows
// (half a unit in the last place written) or outside [lo, hi].
func formatFigure(b []byte, x float64, decimals int, lo, hi float64, ns numberStyle, percent, pound bool) []byte {
	var digits []byte
	for d := decimals; ; d++ {
		digits = strconv.AppendFloat(digits[:0], x, 'f', d, 64)
		v, _ := strconv.ParseFloat(string(digits), 64)
		if d >= 8 || math.Abs(v-x) < 0.5*math.Pow10(-d)-1e-9 && v >= lo && v <= hi {
			break
		}
	}
	if pound && ns.pound {
		b = append(b, "£"...)
	}
	if ns.thousands {
		b = group(b, digits)
	} else {
		b = append(b, digits...)
	}
	if percent && ns.percent {
		b = append(b, '%')
	}
	return b
}
