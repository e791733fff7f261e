package schemas

import "strings"

// Status is the one-letter GSS marker carried beside a value: empty for a
// plain figure.
type Status string

// The GSS value markers.
const (
	StatusNone         Status = ""
	StatusConfidential Status = "c" // suppressed to protect confidentiality
	StatusNotAvailable Status = "x" // not available
	StatusNotApplic    Status = "z" // not applicable
	StatusLowReliab    Status = "u" // low reliability
	StatusRevised      Status = "r" // revised since the previous release
	StatusProvisional  Status = "p" // provisional
)

// Label returns the plain-English meaning of the marker.
func (s Status) Label() string {
	switch s {
	case StatusConfidential:
		return "confidential or suppressed"
	case StatusNotAvailable:
		return "not available"
	case StatusNotApplic:
		return "not applicable"
	case StatusLowReliab:
		return "low reliability"
	case StatusRevised:
		return "revised"
	case StatusProvisional:
		return "provisional"
	}
	return ""
}

// Bracketed returns the marker as shown in human tables and CSV, as "[c]".
func (s Status) Bracketed() string {
	if s == StatusNone {
		return ""
	}
	return "[" + string(s) + "]"
}

// HidesValue reports whether a cell with this status has no figure.
func (s Status) HidesValue() bool {
	return s == StatusConfidential || s == StatusNotAvailable || s == StatusNotApplic
}

// Statuses lists every marker, in the order the GSS guidance gives them.
var Statuses = []Status{StatusConfidential, StatusNotAvailable, StatusNotApplic, StatusLowReliab, StatusRevised, StatusProvisional}

// markerSpellings maps the input spellings of a marker, lower-cased, to the
// status they stand for. Blank, "NA" and ".." are all ways of saying "no
// figure here"; "*" is the older sign for suppression.
var markerSpellings = map[string]Status{
	"[c]": StatusConfidential, "c": StatusConfidential, "*": StatusConfidential,
	"[x]": StatusNotAvailable, "x": StatusNotAvailable, "..": StatusNotAvailable,
	".": StatusNotAvailable, "na": StatusNotAvailable, "": StatusNotAvailable,
	"[z]": StatusNotApplic, "z": StatusNotApplic, "-": StatusNotApplic, "n/a": StatusNotApplic,
	"[u]": StatusLowReliab, "[r]": StatusRevised, "[p]": StatusProvisional,
}

// ParseMarker reports whether s, trimmed, is a value marker on its own and
// which status it stands for. A blank cell counts as [x].
func ParseMarker(s string) (Status, bool) {
	st, ok := markerSpellings[strings.ToLower(strings.TrimSpace(s))]
	return st, ok
}

// SplitQualifier splits a trailing [u], [r] or [p] qualifier from a figure,
// as in "85.2 [p]". It returns the figure and the status, or s unchanged and
// StatusNone.
func SplitQualifier(s string) (string, Status) {
	t := strings.TrimSpace(s)
	if len(t) < 4 || t[len(t)-1] != ']' || t[len(t)-3] != '[' {
		return s, StatusNone
	}
	switch st := Status(strings.ToLower(t[len(t)-2 : len(t)-1])); st {
	case StatusLowReliab, StatusRevised, StatusProvisional:
		return strings.TrimSpace(t[:len(t)-3]), st
	}
	return s, StatusNone
}
